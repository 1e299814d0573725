/**
 * `npm run demo`: builds bulwark, then serves the demo on PORT (default 3000; 0 picks a free port)
 * and HOST (default 127.0.0.1). Ctrl-C (SIGINT) or SIGTERM closes it cleanly.
 */


import { startDemo } from './app.js';

function portFrom(text) {
  const port = Number(text);
  if (!/^\d{1,5}$/.test(text) || port > 65535) {
    console.error(`PORT must be a number from 0 to 65535, got "${text}"`);
    process.exit(2);
  }
  return port;
}

const demo = await startDemo({ port: portFrom(process.env.PORT ?? '3000'), host: process.env.HOST ?? '127.0.0.1' });

console.log(`bulwark demo listening on ${demo.url}/`);
console.log('\nOpen it in a browser, or try:\n');
for (const feature of demo.features) {
  for (const { note, command } of feature.tryIt(demo.url)) console.log(`  # ${note}\n  ${command}\n`);
}
console.log('Each request logs an access line below; security events also appear on /events. Ctrl-C stops.\n');

let stopping = false;
function stop(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: closing the demo server`);
  // If something still holds the event loop after close, do not hang: exit anyway.
  setTimeout(() => process.exit(0), 3000).unref();
  demo.close().then(() => {
    process.exitCode = 0;
  });
}
process.once('SIGINT', () => stop('SIGINT'));
process.once('SIGTERM', () => stop('SIGTERM'));

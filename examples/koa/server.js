/**
 * Koa 3 + bulwark: `node examples/koa/server.js` (after `npm run build`), then
 * `curl -i http://127.0.0.1:3002/`. In your own app the imports are the same.
 */


import Koa from 'koa';
import { createBulwark } from 'bulwark';
import { protect } from 'bulwark/koa';

const app = new Koa();
const pages = protect(createBulwark());
const api = protect(createBulwark({ headers: { preset: 'api' } }));

// First in the chain, so every response carries the headers and denied requests stop here.
app.use((ctx, next) => (ctx.path === '/api' || ctx.path.startsWith('/api/') ? api(ctx, next) : pages(ctx, next)));

app.use((ctx) => {
  const { nonce, requestId, clientIp } = ctx.state.bulwark;
  if (ctx.path === '/api/hello') {
    ctx.body = { hello: 'world', requestId, clientIp };
    return;
  }
  ctx.type = 'html';
  ctx.body = `<!doctype html>
<title>bulwark + Koa</title>
<p id="out">Script did not run.</p>
<script nonce="${nonce}">document.getElementById('out').textContent = 'Request ${requestId}: the nonce\\'d script ran.';</script>`;
});

const server = app.listen(Number(process.env.PORT ?? 3002), '127.0.0.1', () => {
  const { port } = server.address();
  console.log(`Koa example listening on http://127.0.0.1:${port}/`);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    server.close();
    server.closeAllConnections();
  });
}

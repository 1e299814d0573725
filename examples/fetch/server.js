/**
 * A Web Fetch handler behind bulwark, served by node:http: `node examples/fetch/server.js`
 * (after `npm run build`), then `curl -i http://127.0.0.1:3003/`.
 *
 * The same `handler` runs unchanged on other runtimes (the socket address is read from
 * the runtime's second argument by default):
 *   Bun:  Bun.serve({ fetch: (request, server) => handler(request, server) })
 *   Deno: Deno.serve((request, info) => handler(request, info))
 */


import http from 'node:http';
import { createBulwark } from 'bulwark';
import { protect, toNodeListener } from 'bulwark/fetch';

// Pages: the default html preset; the handler gets the request context (nonce, request id, client IP) second.
const pages = protect(createBulwark(), (request, context) => {
  const page = `<!doctype html>
<title>bulwark + Fetch</title>
<p id="out">Script did not run.</p>
<script nonce="${context.nonce}">document.getElementById('out').textContent = 'Request ${context.requestId}: the nonce\\'d script ran.';</script>`;
  return new Response(page, { headers: { 'content-type': 'text/html; charset=utf-8' } });
});

// JSON under /api: the api preset.
const api = protect(createBulwark({ headers: { preset: 'api' } }), (request, context) =>
  Response.json({ hello: 'world', requestId: context.requestId, clientIp: context.clientIp }),
);

const handler = (request, info) => (new URL(request.url).pathname.startsWith('/api/') ? api(request, info) : pages(request, info));

const server = http.createServer(toNodeListener(handler));
server.listen(Number(process.env.PORT ?? 3003), '127.0.0.1', () => {
  const { port } = server.address();
  console.log(`Fetch example (node:http) listening on http://127.0.0.1:${port}/`);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    server.close();
    server.closeAllConnections();
  });
}

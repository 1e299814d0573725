/**
 * Express 5 + bulwark: `node examples/express/server.js` (after `npm run build`), then
 * `curl -i http://127.0.0.1:3001/`. In your own app the imports are the same.
 */


import express from 'express';
import { createBulwark } from 'bulwark';
import { protect } from 'bulwark/express';

const app = express();

// JSON routes under /api: nothing may load or frame, nothing is cached.
const api = express.Router();
api.get('/hello', (req, res) => {
  res.json({ hello: 'world', requestId: res.locals.bulwark.requestId });
});
api.use((req, res) => res.status(404).json({ error: 'not_found' }));
app.use('/api', protect(createBulwark({ headers: { preset: 'api' } })), api);

// Everything else: the default html preset, with a fresh CSP nonce per request on res.locals.bulwark.nonce.
app.use(protect(createBulwark()));
app.get('/', (req, res) => {
  const { nonce, requestId } = res.locals.bulwark;
  res.type('html').send(`<!doctype html>
<title>bulwark + Express</title>
<p id="out">Script did not run.</p>
<script nonce="${nonce}">document.getElementById('out').textContent = 'Request ${requestId}: the nonce\\'d script ran.';</script>`);
});

const server = app.listen(Number(process.env.PORT ?? 3001), '127.0.0.1', () => {
  const { port } = server.address();
  console.log(`Express example listening on http://127.0.0.1:${port}/`);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    server.close();
    server.closeAllConnections();
  });
}

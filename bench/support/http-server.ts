/**
 * One benchmark server per process, on 127.0.0.1 and a free port: `node --import tsx http-server.ts <scenario>`.
 * Reports `{ port }` to the parent over IPC, answers `'cpu'` with its CPU time in microseconds, and
 * serves until the parent disconnects.
 */

import { createServer, type Server } from 'node:http';
import express from 'express';
import helmet from 'helmet';
import { protect as expressProtect } from '../../src/adapters/express.js';
import { protect as fetchProtect, toNodeListener } from '../../src/adapters/fetch.js';
import { createBulwark } from '../../src/core/bulwark.js';

const SCENARIOS = ['express-helmet', 'express-bulwark', 'express-bulwark-defaults', 'node-fetch-bare', 'node-fetch-bulwark'] as const;
type Scenario = (typeof SCENARIOS)[number];

const BODY = 'hello world';

function expressApp(middleware: express.RequestHandler): Server {
  const app = express();
  app.use(middleware);
  app.get('/', (_req, res) => {
    res.type('text/plain').send(BODY);
  });
  return createServer(app);
}

const fetchHandler = (): Response => new Response(BODY, { headers: { 'content-type': 'text/plain; charset=utf-8' } });

function build(scenario: Scenario): Server {
  switch (scenario) {
    case 'express-helmet':
      return expressApp(helmet());
    case 'express-bulwark':
      // Like for like with helmet, a headers-only library: the security headers and the pipeline around them.
      return expressApp(expressProtect(createBulwark({ limits: false, csrf: false })));
    case 'express-bulwark-defaults':
      return expressApp(expressProtect(createBulwark()));
    case 'node-fetch-bare':
      return createServer(toNodeListener(fetchHandler));
    case 'node-fetch-bulwark':
      return createServer(toNodeListener(fetchProtect(createBulwark(), fetchHandler)));
  }
}

const scenario = process.argv[2] as Scenario;
if (!SCENARIOS.includes(scenario) || !process.send) {
  console.error(`usage (from bench/http.bench.ts): http-server.ts <${SCENARIOS.join('|')}>`);
  process.exit(2);
}
const server = build(scenario);
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  process.send!({ port: address.port });
});
// The parent asks for this process's CPU time around each run: CPU per request is steadier than req/s on a shared machine.
process.on('message', (message) => {
  if (message === 'cpu') {
    const usage = process.cpuUsage();
    process.send!({ cpu: usage.user + usage.system });
  }
});
process.on('disconnect', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});

/** The worker-thread side of `WorkerPool`: its own jsdom window, the same purifiers, one job at a time. */

import { parentPort, workerData } from 'node:worker_threads';
import { EngineHost, type WindowLimits } from './engine-host.js';
import { BUILT_IN_COMPILED, type CompiledProfile } from './profiles.js';
import type { WorkerReply, WorkerRequest } from './worker-pool.js';

const MAX_CACHED_PROFILES = 64;

const host = new EngineHost(workerData as WindowLimits);
const custom = new Map<number, CompiledProfile>();

function profileFor(request: WorkerRequest): CompiledProfile {
  const message = request.profile;
  if ('name' in message) return BUILT_IN_COMPILED[message.name];
  let compiled = custom.get(message.key);
  if (!compiled) {
    if (custom.size >= MAX_CACHED_PROFILES) custom.delete(custom.keys().next().value!);
    compiled = { spec: message.spec, hooks: [] };
    custom.set(message.key, compiled);
  }
  return compiled;
}

const port = parentPort!;
// Load jsdom and DOMPurify before saying ready, so a job's time budget is not spent on startup.
host.sanitize('<p>warm</p>', BUILT_IN_COMPILED.basic);
port.postMessage({ type: 'ready' } satisfies WorkerReply);

port.on('message', (request: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    reply = { type: 'done', id: request.id, ok: true, value: host.sanitize(request.html, profileFor(request)) };
  } catch (error) {
    const { name, message, limit } = error as Error & { limit?: string };
    reply = { type: 'done', id: request.id, ok: false, error: { name: String(name), message: String(message), ...(limit === undefined ? {} : { limit }) } };
  }
  port.postMessage(reply);
});

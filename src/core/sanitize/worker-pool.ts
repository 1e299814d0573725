/**
 * Worker threads for sanitizing large documents off the event loop, each job under a time budget: a
 * worker that runs past it is terminated (the only way to stop a synchronous parse) and replaced.
 */

import { Worker, type WorkerOptions } from 'node:worker_threads';
import { BulwarkError, ConfigurationError, InvalidInputError, LimitExceededError, TimeBudgetExceededError } from '../errors.js';
import type { WindowLimits } from './engine-host.js';
import type { ProfileName, ProfileSpec } from './profiles.js';

export interface WorkerPoolOptions {
  threads: number;
  timeBudgetMs: number;
  maxQueue: number;
  heapLimitMb: number;
}

/** A profile as it crosses to a worker: a built-in name, or a custom spec with a key the worker caches it by. */
export type ProfileMessage = { name: ProfileName } | { key: number; spec: ProfileSpec };

export interface WorkerRequest {
  id: number;
  html: string;
  profile: ProfileMessage;
}

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'done'; id: number; ok: true; value: string }
  | { type: 'done'; id: number; ok: false; error: { name: string; message: string; limit?: string } };

interface Job {
  id: number;
  html: string;
  profile: ProfileMessage;
  resolve: (value: string) => void;
  reject: (error: Error) => void;
}

interface PooledWorker {
  worker: Worker;
  ready: boolean;
  job: Job | undefined;
  timer: NodeJS.Timeout | undefined;
  /** Set once we decided to drop this worker, so its exit is expected. */
  retired: boolean;
}

/** Starts `worker.js`; from the TypeScript sources (tests, dev) it loads `worker.ts` through tsx instead. */
function startWorker(options: WorkerOptions): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url), options);
  const entry = JSON.stringify(new URL('./worker.ts', import.meta.url).href);
  const code = `import('tsx/esm/api').then(({ tsImport }) => tsImport(${entry}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(code, { ...options, eval: true });
}

function reviveError(error: { name: string; message: string; limit?: string }): Error {
  switch (error.name) {
    case 'LimitExceededError':
      return new LimitExceededError(error.message, error.limit ?? 'unknown');
    case 'InvalidInputError':
      return new InvalidInputError(error.message);
    case 'ConfigurationError':
      return new ConfigurationError(error.message);
    default:
      return new BulwarkError(`sanitize worker: ${error.message}`);
  }
}

export class WorkerPool {
  private readonly workers = new Set<PooledWorker>();
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly options: WorkerPoolOptions,
    private readonly limits: WindowLimits,
  ) {}

  run(html: string, profile: ProfileMessage): Promise<string> {
    if (this.closed) return Promise.reject(new BulwarkError('sanitize: the sanitizer was closed'));
    if (this.queue.length >= this.options.maxQueue) {
      return Promise.reject(new LimitExceededError(`sanitize: more than ${this.options.maxQueue} documents wait for a worker`, 'maxQueue'));
    }
    return new Promise<string>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, html, profile, resolve, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const error = new BulwarkError('sanitize: the sanitizer was closed');
    for (const job of this.queue.splice(0)) job.reject(error);
    await Promise.all([...this.workers].map((pooled) => this.retire(pooled, error)));
  }

  private pump(): void {
    for (const pooled of this.workers) {
      if (this.queue.length === 0) break;
      if (pooled.ready && !pooled.job) this.dispatch(pooled, this.queue.shift()!);
    }
    if (this.queue.length > 0 && this.workers.size < this.options.threads) this.spawn();
    for (const pooled of this.workers) {
      if (pooled.job || this.queue.length > 0) pooled.worker.ref();
      else pooled.worker.unref();
    }
  }

  private dispatch(pooled: PooledWorker, job: Job): void {
    pooled.job = job;
    pooled.timer = setTimeout(() => {
      void this.retire(pooled, new TimeBudgetExceededError(`sanitize: the document took longer than ${this.options.timeBudgetMs} ms; its worker was stopped`));
    }, this.options.timeBudgetMs);
    const request: WorkerRequest = { id: job.id, html: job.html, profile: job.profile };
    pooled.worker.postMessage(request);
  }

  private spawn(): void {
    const worker = startWorker({
      workerData: this.limits,
      resourceLimits: { maxOldGenerationSizeMb: this.options.heapLimitMb },
    });
    const pooled: PooledWorker = { worker, ready: false, job: undefined, timer: undefined, retired: false };
    this.workers.add(pooled);
    worker.on('message', (reply: WorkerReply) => this.onReply(pooled, reply));
    worker.on('error', (error: Error & { code?: string }) => {
      const failure =
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new LimitExceededError(`sanitize: the document needed more than ${this.options.heapLimitMb} MB of heap`, 'heapLimitMb')
          : new BulwarkError(`sanitize worker failed: ${error.message}`, { cause: error });
      if (!pooled.ready) {
        // A worker that cannot even start would fail every job the same way.
        for (const job of this.queue.splice(0)) job.reject(failure);
      }
      void this.retire(pooled, failure);
    });
    worker.on('exit', () => {
      if (!pooled.retired) void this.retire(pooled, new BulwarkError('sanitize worker exited unexpectedly'));
    });
  }

  private onReply(pooled: PooledWorker, reply: WorkerReply): void {
    if (reply.type === 'ready') {
      pooled.ready = true;
      this.pump();
      return;
    }
    const job = pooled.job;
    if (!job || job.id !== reply.id) return;
    clearTimeout(pooled.timer);
    pooled.job = undefined;
    pooled.timer = undefined;
    if (reply.ok) job.resolve(reply.value);
    else job.reject(reviveError(reply.error));
    this.pump();
  }

  /** Stops a worker, fails its current job with `error`, and lets a replacement take the queue. */
  private async retire(pooled: PooledWorker, error: Error): Promise<void> {
    if (pooled.retired) return;
    pooled.retired = true;
    clearTimeout(pooled.timer);
    this.workers.delete(pooled);
    pooled.job?.reject(error);
    pooled.job = undefined;
    if (!this.closed) this.pump();
    await pooled.worker.terminate();
  }
}

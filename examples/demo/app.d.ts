/** Types for app.js, so TypeScript tests can start the demo in-process. */

import type { Server } from 'node:http';
import type { Express } from 'express';
import type { BulwarkOptions, PinoLikeLogger, SecurityEvent } from '../../dist/core/index.js';

export interface DemoFeature {
  readonly path: string;
  readonly title: string;
  readonly summary: string;
  tryIt(base: string): { note: string; command: string }[];
}

export interface EventFeed {
  record(event: SecurityEvent): void;
  /** Newest first; the access log is left out. */
  list(): SecurityEvent[];
}

export interface RunningDemo {
  readonly server: Server;
  /** `http://host:port`, without a trailing slash. */
  readonly url: string;
  readonly port: number;
  readonly feed: EventFeed;
  readonly features: readonly DemoFeature[];
  close(): Promise<void>;
}

export interface DemoStartOptions {
  /** Default 3000; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Receives each console line. Default console.log. */
  log?: (line: string) => void;
  /** Where `REDIS_URL` is read (rate limits and bans count in that Redis when set). Default process.env. */
  env?: Record<string, string | undefined>;
}

/** The demo's rate limits and bans, in memory or in the Redis of `REDIS_URL`. */
export interface DemoRateLimits {
  readonly rateLimit: NonNullable<BulwarkOptions['rateLimit']>;
  readonly bans: NonNullable<BulwarkOptions['bans']>;
  readonly storeLabel: string;
  close(): Promise<void>;
}

export function demoOptions(sinks: { logger: PinoLikeLogger; onEvent: (event: SecurityEvent) => void; rateLimits: DemoRateLimits }): {
  html: BulwarkOptions;
  api: BulwarkOptions;
  guarded: BulwarkOptions;
};
export function createDemoApp(options?: { log?: (line: string) => void; env?: Record<string, string | undefined> }): { app: Express; feed: EventFeed; close(): Promise<void> };
export function startDemo(options?: DemoStartOptions): Promise<RunningDemo>;

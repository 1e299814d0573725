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
}

export function demoOptions(sinks: { logger: PinoLikeLogger; onEvent: (event: SecurityEvent) => void }): {
  html: BulwarkOptions;
  api: BulwarkOptions;
};
export function createDemoApp(options?: { log?: (line: string) => void }): { app: Express; feed: EventFeed };
export function startDemo(options?: DemoStartOptions): Promise<RunningDemo>;

/** Spawns the auth race workers (auth-race-worker.ts) and sends one command to all of them at once. */

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface AuthWorkers {
  /** Sends the command to every worker at the same moment; resolves to each worker's reply. */
  all<T>(command: Record<string, unknown>): Promise<T[]>;
  stop(): void;
}

export async function startAuthWorkers(count: number, setup: Record<string, unknown>): Promise<AuthWorkers> {
  const script = fileURLToPath(new URL('./auth-race-worker.ts', import.meta.url));
  const workers: Array<{ child: ChildProcessWithoutNullStreams; replies: AsyncIterator<string> }> = Array.from({ length: count }, () => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(setup)], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    return { child, replies: createInterface({ input: child.stdout })[Symbol.asyncIterator]() };
  });
  for (const { replies } of workers) {
    const first = await replies.next();
    if (first.value !== 'ready') throw new Error(`auth race worker did not start: ${String(first.value)}`);
  }
  return {
    async all<T>(command: Record<string, unknown>): Promise<T[]> {
      for (const { child } of workers) child.stdin.write(`${JSON.stringify(command)}\n`);
      return Promise.all(
        workers.map(async ({ replies }) => {
          const reply = JSON.parse((await replies.next()).value as string) as T & { failed?: string };
          if (reply.failed !== undefined) throw new Error(`worker failed: ${reply.failed}`);
          return reply;
        }),
      );
    },
    stop() {
      for (const { child } of workers) child.stdin.end();
    },
  };
}

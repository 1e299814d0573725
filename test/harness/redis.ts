/**
 * Real Redis for integration tests: a standalone `redis-server` or a 3-master Redis Cluster, each on
 * free loopback ports with its own temp directory, no persistence. Nothing assumes a server is
 * already running; `stop()` kills the processes and removes the directories. `pause()` and `kill()`
 * simulate outages for failure-policy tests.
 */

import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ensureCommand } from './system.js';

const HOST = '127.0.0.1';
const run = promisify(execFile);

export interface RedisServer {
  url: string;
  host: string;
  port: number;
  /** Sends one command on a fresh connection and returns the reply as text (errors reject). */
  command(...args: string[]): Promise<string>;
  /** Holds every client's commands for `ms` (CLIENT PAUSE ALL): the server is up but does not answer. */
  pause(ms: number): Promise<void>;
  /** Kills the server (SIGKILL): connections drop and reconnects are refused. */
  kill(): Promise<void>;
  /** Starts the server again on the same port (after `kill()`), empty. */
  restart(): Promise<void>;
  /** Kills the server and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

export interface RedisClusterServer {
  nodes: Array<{ host: string; port: number }>;
  /** One handle per master, e.g. to pause or kill a single node. */
  servers: RedisServer[];
  /** Pauses every node for `ms`. */
  pause(ms: number): Promise<void>;
  stop(): Promise<void>;
}

function ensureRedis(): { server: string; cli: string } {
  return { server: ensureCommand('redis-server', 'redis-server'), cli: ensureCommand('redis-cli', 'redis-server') };
}

async function portIsFree(port: number): Promise<boolean> {
  const probe = createServer();
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(port, HOST, () => probe.close(() => resolve(true)));
  });
}

/** A free loopback port; with `bus`, port + 10000 (the Cluster bus port) is free too. */
export async function freePort(bus = false): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const probe = createServer();
    const port = await new Promise<number>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(0, HOST, () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
      });
    });
    if (!bus) return port;
    if (port + 10_000 <= 65_535 && (await portIsFree(port + 10_000))) return port;
  }
  throw new Error('no free loopback port found');
}

function encode(args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}

/** Reads one RESP reply of the simple kinds the harness sends (+, -, :, $). */
function parseReply(buffer: string): { done: boolean; value?: string; error?: string } {
  const end = buffer.indexOf('\r\n');
  if (end === -1) return { done: false };
  const head = buffer.slice(1, end);
  if (buffer[0] === '-') return { done: true, error: head };
  if (buffer[0] !== '$') return { done: true, value: head };
  const length = Number(head);
  if (length < 0) return { done: true, value: '' };
  const body = buffer.slice(end + 2);
  return Buffer.byteLength(body) >= length + 2 ? { done: true, value: body.slice(0, -2) } : { done: false };
}

/** Sends one command to a server on a new connection. */
export function rawCommand(port: number, args: string[], timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, HOST);
    let data = '';
    const timer = setTimeout(() => socket.destroy(new Error(`redis on ${port}: no reply to ${args[0]}`)), timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(encode(args)));
    socket.on('data', (chunk: string) => {
      data += chunk;
      const reply = parseReply(data);
      if (!reply.done) return;
      clearTimeout(timer);
      socket.end();
      if (reply.error !== undefined) reject(new Error(reply.error));
      else resolve(reply.value ?? '');
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

async function killProcess(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
  live.delete(child);
}

async function launch(extraArgs: string[] = []): Promise<RedisServer> {
  const { server } = ensureRedis();
  const cluster = extraArgs.includes('--cluster-enabled');
  const port = await freePort(cluster);
  const dir = await mkdtemp(path.join(tmpdir(), 'bulwark-redis-'));
  let child: ChildProcess | undefined;
  let stopped = false;

  const start = async (): Promise<void> => {
    const args = ['--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', ...extraArgs];
    child = spawn(server, args, { stdio: 'ignore' });
    live.add(child);
    await waitFor(`redis-server on port ${port}`, async () => (await rawCommand(port, ['PING'], 500)) === 'PONG', 10_000);
  };
  await start();

  const handle: RedisServer = {
    url: `redis://${HOST}:${port}`,
    host: HOST,
    port,
    command: (...args) => rawCommand(port, args),
    pause: async (ms) => void (await rawCommand(port, ['CLIENT', 'PAUSE', String(ms), 'ALL'])),
    kill: () => killProcess(child),
    restart: async () => {
      await killProcess(child);
      await start();
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await killProcess(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
  return handle;
}

/** Starts a standalone `redis-server` on a free loopback port (installing it on first use). */
export function startRedis(): Promise<RedisServer> {
  return launch();
}

/** Starts a 3-master Redis Cluster (no replicas) on free loopback ports and waits for `cluster_state:ok`. */
export async function startRedisCluster(masters = 3): Promise<RedisClusterServer> {
  const { cli } = ensureRedis();
  const servers: RedisServer[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(servers.map((s) => s.stop()));
  };
  try {
    for (let i = 0; i < masters; i++) {
      servers.push(await launch(['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000']));
    }
    const addresses = servers.map((s) => `${HOST}:${s.port}`);
    await run(cli, ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], { timeout: 30_000 });
    await waitFor('cluster_state:ok on every node', async () => {
      const infos = await Promise.all(servers.map((s) => s.command('CLUSTER', 'INFO')));
      return infos.every((info) => info.includes('cluster_state:ok') && info.includes(`cluster_known_nodes:${masters}`));
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    nodes: servers.map((s) => ({ host: s.host, port: s.port })),
    servers,
    pause: async (ms) => {
      await Promise.all(servers.map((s) => s.pause(ms)));
    },
    stop,
  };
}

/**
 * The `bulwark` command as users run it: `node dist/cli.js` in a child process (the build is what
 * the package's bin points at), with a clean environment so the runner's own variables do not leak in.
 */

import { spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromEnv } from '../src/core/config/index.js';
import { Fernet } from '../src/core/crypto/index.js';
import { verifyPassword } from '../src/core/passwords/hash.js';
import { ensurePython, runPythonJson } from './harness/python.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  bytes: Buffer;
}

function bulwark(args: string[], { input, env = {} }: { input?: string | Buffer; env?: Record<string, string> } = {}): Run {
  const result = spawnSync(process.execPath, [CLI, ...args], { input, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 });
  return { status: result.status, stdout: result.stdout.toString('utf8'), stderr: result.stderr.toString('utf8'), bytes: result.stdout };
}

/** Parses NAME=value lines as dotenv does for what keygen --env prints (double quotes, \n escapes). */
function parseEnvLines(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.trim().split('\n')) {
    const eq = line.indexOf('=');
    const value = line.slice(eq + 1);
    env[line.slice(0, eq)] = value.startsWith('"') ? value.slice(1, -1) : value;
  }
  return env;
}

describe('bulwark CLI', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'bulwark-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has --help on every command, and documents exit codes', () => {
    const top = bulwark(['--help']);
    expect(top.status).toBe(0);
    expect(top.stdout).toContain('Exit codes');
    for (const command of ['keygen', 'hash-password', 'check-env', 'encrypt', 'decrypt', 'rotate']) {
      expect(top.stdout).toContain(command);
      const run = bulwark([command, '--help']);
      expect(run.status, command).toBe(0);
      expect(run.stdout).toContain(`Usage: bulwark ${command}`);
    }
    expect(bulwark(['decrypt', '-h']).stdout).toContain('Usage: bulwark decrypt');
    expect(bulwark(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('exits 2 on usage errors, without echoing option values', () => {
    const none = bulwark([]);
    expect(none.status).toBe(2);
    expect(none.stdout).toContain('Usage: bulwark');
    const typo = bulwark(['kegen', 'fernet']);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain('did you mean "keygen"?');
    const option = bulwark(['encrypt', '--kye=s3cr3t-value'], { input: 'x' });
    expect(option.status).toBe(2);
    expect(option.stderr).toContain('unknown option --kye');
    expect(option.stderr).not.toContain('s3cr3t-value');
    expect(bulwark(['keygen']).status).toBe(2);
    expect(bulwark(['keygen', 'rsa']).status).toBe(2);
    expect(bulwark(['keygen', 'hmac', '--bytes', '8']).status).toBe(2);
    expect(bulwark(['keygen', 'fernet', '--bytes', '64']).status).toBe(2);
  });

  it('keygen fernet prints a fresh key that Fernet accepts', () => {
    const [a, b] = [bulwark(['keygen', 'fernet']), bulwark(['keygen', 'fernet'])];
    expect(a.status).toBe(0);
    const key = a.stdout.trim();
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}=$/);
    expect(key).not.toBe(b.stdout.trim());
    expect(new Fernet(key).decryptString(new Fernet(key).encrypt('ok'))).toBe('ok');
  });

  it('keygen hmac, csrf and api-key print random base64url secrets', () => {
    for (const type of ['hmac', 'csrf', 'api-key']) {
      expect(bulwark(['keygen', type]).stdout.trim()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
    expect(bulwark(['keygen', 'hmac', '--bytes', '64']).stdout.trim()).toMatch(/^[A-Za-z0-9_-]{86}$/);
  });

  it('keygen ed25519 and es256 print matching PEM key pairs', () => {
    for (const [type, kind] of [['ed25519', 'ed25519'], ['es256', 'ec']] as const) {
      const out = bulwark(['keygen', type]).stdout;
      const [privatePem, publicPem] = out.split(/(?=-----BEGIN PUBLIC KEY-----)/);
      const privateKey = createPrivateKey(privatePem!);
      expect(privateKey.asymmetricKeyType).toBe(kind);
      expect(createPublicKey(privateKey).export({ type: 'spki', format: 'pem' })).toBe(publicPem);
    }
  });

  it('keygen --env output for every variable makes a production environment that fromEnv and check-env accept', () => {
    const lines = ['fernet', 'ed25519', 'hmac', 'csrf', 'api-key'].map((type) => bulwark(['keygen', type, '--env']).stdout).join('');
    const env = { NODE_ENV: 'production', ...parseEnvLines(lines) };
    expect(Object.keys(env)).toEqual(expect.arrayContaining(['BULWARK_ENCRYPTION_KEYS', 'BULWARK_JWT_PRIVATE_KEY', 'BULWARK_JWT_PUBLIC_KEY', 'BULWARK_JWT_SECRET', 'BULWARK_CSRF_SECRET', 'BULWARK_API_KEY_PEPPER']));
    expect(fromEnv(env).production).toBe(true);
    const check = bulwark(['check-env'], { env });
    expect(check.status).toBe(0);
    expect(check.stdout).toContain('Environment OK (production rules)');
    for (const [name, value] of Object.entries(env)) if (name.startsWith('BULWARK_')) expect(check.stdout + check.stderr).not.toContain(value.slice(0, 40));
  });

  it('check-env lists every problem and exits 1', () => {
    const run = bulwark(['check-env'], { env: { NODE_ENV: 'production', BULWARK_CSRF_SECRET: 'changeme-please', BULWARK_ENCRYPTON_KEYS: 'x' } });
    expect(run.status).toBe(1);
    for (const text of ['BULWARK_CSRF_SECRET is a placeholder', 'BULWARK_ENCRYPTION_KEYS is required', 'did you mean BULWARK_ENCRYPTION_KEYS?', 'bulwark keygen']) expect(run.stderr).toContain(text);
    expect(run.stderr).not.toContain('changeme-please');
    expect(bulwark(['check-env']).status).toBe(0);
    expect(bulwark(['check-env', '--production']).status).toBe(1);
    // A .env file (what keygen --env prints), with the real environment taking precedence.
    const envFile = path.join(dir, '.env');
    writeFileSync(envFile, ['fernet', 'ed25519', 'hmac', 'csrf', 'api-key'].map((type) => bulwark(['keygen', type, '--env']).stdout).join(''));
    expect(bulwark(['check-env', '--production', '--dotenv', envFile]).status).toBe(0);
    expect(bulwark(['check-env', '--production', '--dotenv', envFile], { env: { BULWARK_CSRF_SECRET: 'changeme' } }).status).toBe(1);
    expect(bulwark(['check-env', '--dotenv', path.join(dir, 'missing.env')]).status).toBe(2);
    // Outside production a weak secret is a warning, not a failure.
    const dev = bulwark(['check-env'], { env: { BULWARK_CSRF_SECRET: 'short' } });
    expect(dev.status).toBe(0);
    expect(dev.stderr).toContain('warning: BULWARK_CSRF_SECRET is shorter than 32 characters');
  });

  it('encrypt and decrypt round-trip bytes through stdin with the key from the environment', () => {
    const key = Fernet.generateKey();
    const data = randomBytes(5000);
    const encrypted = bulwark(['encrypt'], { input: data, env: { BULWARK_ENCRYPTION_KEYS: key } });
    expect(encrypted.status).toBe(0);
    const token = encrypted.stdout.trim();
    expect(Buffer.from(new Fernet(key).decrypt(token)).equals(data)).toBe(true);
    const decrypted = bulwark(['decrypt', '--ttl', '60'], { input: `${token}\n`, env: { BULWARK_ENCRYPTION_KEYS: `${Fernet.generateKey()},${key}` } });
    expect(decrypted.status).toBe(0);
    expect(decrypted.bytes.equals(data)).toBe(true);
  });

  it('reads keys from --key-file and --key', () => {
    const key = Fernet.generateKey();
    const file = path.join(dir, 'keys');
    writeFileSync(file, `# newest first\n${key}\n`);
    const token = bulwark(['encrypt', '--key-file', file], { input: 'from file' }).stdout;
    expect(new Fernet(key).decryptString(token.trim())).toBe('from file');
    expect(bulwark(['decrypt', `--key=${key}`], { input: token }).stdout).toBe('from file');
    expect(bulwark(['encrypt', '--key-file', path.join(dir, 'missing')], { input: 'x' }).status).toBe(2);
  });

  it('decrypt exits 1 on a wrong key, tampering or an expired TTL, and 2 without a key', () => {
    const key = Fernet.generateKey();
    const env = { BULWARK_ENCRYPTION_KEYS: key };
    const old = new Fernet(key).encrypt('old', { timestamp: Math.floor(Date.now() / 1000) - 120 });
    for (const [input, args, keyEnv] of [
      [old, ['--ttl', '60'], env],
      [old, [], { BULWARK_ENCRYPTION_KEYS: Fernet.generateKey() }],
      [`${old.slice(0, 30)}${old[30] === 'A' ? 'B' : 'A'}${old.slice(31)}`, [], env],
      ['not a token', [], env],
    ] as const) {
      const run = bulwark(['decrypt', ...args], { input, env: keyEnv });
      expect(run.status).toBe(1);
      expect(run.stderr.trim()).toBe('bulwark decrypt: invalid or expired token');
      expect(run.stdout).toBe('');
    }
    expect(bulwark(['decrypt'], { input: old, env }).stdout).toBe('old');
    expect(bulwark(['decrypt'], { input: old }).status).toBe(2);
    expect(bulwark(['decrypt'], { input: old, env: { BULWARK_ENCRYPTION_KEYS: 'short' } }).status).toBe(2);
  });

  it('rotate re-encrypts under the newest key and keeps the timestamp', () => {
    const [newKey, oldKey] = [Fernet.generateKey(), Fernet.generateKey()];
    const token = new Fernet(oldKey).encrypt('rotate', { timestamp: 1_500_000_000 });
    const run = bulwark(['rotate'], { input: token, env: { BULWARK_ENCRYPTION_KEYS: `${newKey},${oldKey}` } });
    expect(run.status).toBe(0);
    const rotated = run.stdout.trim();
    expect(new Fernet(newKey).decryptString(rotated)).toBe('rotate');
    expect(new Fernet(newKey).extractTimestamp(rotated)).toBe(1_500_000_000);
  });

  it('hash-password hashes stdin with argon2id at OWASP minimum cost', async () => {
    const run = bulwark(['hash-password'], { input: 'correct horse battery\n' });
    expect(run.status).toBe(0);
    const hash = run.stdout.trim();
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(hash, 'correct horse battery')).toEqual({ valid: true, needsRehash: false });
    expect((await verifyPassword(hash, 'correct horse battery\n')).valid).toBe(false);
    expect(bulwark(['hash-password', '--time-cost', '3'], { input: 'pw' }).stdout).toContain('t=3');
    expect(bulwark(['hash-password', '--time-cost', '1'], { input: 'pw' }).status).toBe(2);
    expect(bulwark(['hash-password'], { input: '' }).status).toBe(1);
    const long = bulwark(['hash-password'], { input: 'x'.repeat(1025) });
    expect(long.status).toBe(1);
    expect(long.stderr).toContain('longer than 1024 bytes');
  });

  it('hash-password on a terminal asks twice without echo', async () => {
    // A real pseudo-terminal, from Python's standard pty module.
    const script = `
import json, os, pty, select, sys
job = json.load(sys.stdin)
pid, fd = pty.fork()
if pid == 0:
    os.execve(job["argv"][0], job["argv"], job["env"])
out = b""
def read_until(marker):
    global out
    while marker not in out:
        ready, _, _ = select.select([fd], [], [], 20)
        if not ready: raise SystemExit("timed out waiting for " + repr(marker))
        out += os.read(fd, 4096)
for answer in job["answers"]:
    read_until(answer["after"].encode())
    os.write(fd, answer["type"].encode())
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk: break
    out += chunk
_, status = os.waitpid(pid, 0)
print(json.dumps({"output": out.decode("utf-8", "replace"), "status": os.waitstatus_to_exitcode(status)}))
`;
    const python = ensurePython();
    const session = (answers: { after: string; type: string }[]) =>
      runPythonJson<{ output: string; status: number }>(python, script, { argv: [process.execPath, CLI, 'hash-password'], env: { PATH: process.env.PATH ?? '' }, answers });
    const ok = session([
      { after: 'Password: ', type: 'tty-s3cret\r' },
      { after: 'Repeat password: ', type: 'tty-s3cret\r' },
    ]);
    expect(ok.status).toBe(0);
    expect(ok.output).not.toContain('tty-s3cret');
    const hash = /\$argon2id\$\S+/.exec(ok.output)?.[0];
    expect(hash && (await verifyPassword(hash, 'tty-s3cret')).valid).toBe(true);
    const differ = session([
      { after: 'Password: ', type: 'one\r' },
      { after: 'Repeat password: ', type: 'two\r' },
    ]);
    expect(differ.status).toBe(1);
    expect(differ.output).toContain('the passwords differ');
    const interrupted = session([{ after: 'Password: ', type: 'abc\u0003' }]);
    expect(interrupted.status).toBe(130);
  });
});

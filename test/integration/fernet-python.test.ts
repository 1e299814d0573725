/**
 * Fernet interoperability with Python's `cryptography` (Debian's python3-cryptography, installed by
 * the harness if missing), both ways: random keys, data and times; TTL decisions compared case by
 * case; MultiFernet.rotate output read by both. One Python process per batch, JSON on stdin.
 */

import { randomBytes, randomInt } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFieldEncryptor, Fernet, InvalidToken, MultiFernet } from '../../src/core/crypto/index.js';
import { ensurePythonCryptography, runPythonJson } from '../harness/python.js';

const PYTHON_FERNET = `
import base64, json, sys
from cryptography.fernet import Fernet, MultiFernet, InvalidToken

def multi(keys):
    return MultiFernet([Fernet(k) for k in keys])

results = []
for op in json.load(sys.stdin):
    kind = op["op"]
    try:
        if kind == "generate":
            value = Fernet.generate_key().decode()
        elif kind == "encrypt":
            f = Fernet(op["key"])
            data = base64.b64decode(op["data"])
            value = (f.encrypt_at_time(data, op["timestamp"]) if "timestamp" in op else f.encrypt(data)).decode()
        elif kind == "decrypt":
            f = multi(op["keys"])
            if op.get("ttl") is None:
                data = f.decrypt(op["token"])
            else:
                data = f.decrypt_at_time(op["token"], op["ttl"], op["now"])
            value = base64.b64encode(data).decode()
        elif kind == "timestamp":
            value = Fernet(op["key"]).extract_timestamp(op["token"])
        elif kind == "rotate":
            value = multi(op["keys"]).rotate(op["token"]).decode()
        else:
            raise SystemExit("unknown op " + kind)
        results.append({"ok": True, "value": value})
    except InvalidToken:
        results.append({"ok": False})
print(json.dumps(results))
`;

type Op =
  | { op: 'generate' }
  | { op: 'encrypt'; key: string; data: string; timestamp?: number }
  | { op: 'decrypt'; keys: string[]; token: string; ttl?: number; now?: number }
  | { op: 'timestamp'; key: string; token: string }
  | { op: 'rotate'; keys: string[]; token: string };

type Result = { ok: true; value: string | number } | { ok: false };

let python: string;
const py = (ops: Op[]): Result[] => runPythonJson<Result[]>(python, PYTHON_FERNET, ops);
const value = <T extends string | number>(result: Result | undefined): T => {
  if (!result?.ok) throw new Error('python refused a token it should accept');
  return result.value as T;
};

/** Random plaintext: mostly short, some around block boundaries, a few of 10 KB. */
function randomData(i: number): Buffer {
  const length = i % 25 === 0 ? 10_240 + randomInt(16) : i % 5 === 0 ? 16 * randomInt(1, 5) + randomInt(-1, 2) : randomInt(0, 300);
  return randomBytes(Math.max(0, length));
}

/** A random time from 1970 to well past 2100, in whole seconds. */
const randomTime = (): number => randomInt(0, 2 ** 33);

/** bulwark's decision for one decrypt: the plaintext as base64, or false for InvalidToken. */
function bulwarkDecrypt(keys: string[], token: string, ttl?: number, now?: number): string | false {
  try {
    return Buffer.from(new MultiFernet(keys).decrypt(token, ttl === undefined ? undefined : { ttl, now })).toString('base64');
  } catch (error) {
    if (error instanceof InvalidToken) return false;
    throw error;
  }
}

describe('Fernet interop with Python cryptography', () => {
  beforeAll(() => {
    python = ensurePythonCryptography();
  });

  it('decrypts tokens Python made with random keys, data and times', () => {
    const keys = py(Array.from({ length: 20 }, () => ({ op: 'generate' as const }))).map((r) => value<string>(r));
    const cases = Array.from({ length: 200 }, (_, i) => ({ key: keys[i % keys.length]!, data: randomData(i), timestamp: randomTime() }));
    const tokens = py(cases.map((c) => ({ op: 'encrypt', key: c.key, data: c.data.toString('base64'), timestamp: c.timestamp }))).map((r) => value<string>(r));
    let matched = 0;
    cases.forEach((c, i) => {
      const fernet = new Fernet(c.key);
      const plaintext = Buffer.from(fernet.decrypt(tokens[i]!));
      if (plaintext.equals(c.data) && fernet.extractTimestamp(tokens[i]!) === c.timestamp) matched++;
    });
    console.log(`fernet interop: ${matched}/${cases.length} Python tokens decrypted by bulwark with the right data and timestamp`);
    expect(matched).toBe(cases.length);
  });

  it('makes the same TTL decisions as Python for every token, age and TTL', () => {
    const key = Fernet.generateKey();
    const timestamp = 1_700_000_000;
    const token = value<string>(py([{ op: 'encrypt', key, data: Buffer.from('ttl').toString('base64'), timestamp }])[0]);
    const probes: { ttl: number; now: number }[] = [];
    for (const ttl of [0, 1, 60, 3600]) {
      for (const offset of [-3600, -61, -60, -59, -1, 0, 1, ttl - 1, ttl, ttl + 1, ttl + 3600]) probes.push({ ttl, now: timestamp + offset });
    }
    for (let i = 0; i < 100; i++) probes.push({ ttl: randomInt(0, 10_000), now: timestamp + randomInt(-200, 10_200) });
    const python = py(probes.map((p) => ({ op: 'decrypt', keys: [key], token, ttl: p.ttl, now: p.now })));
    const disagreements = probes.filter((p, i) => (bulwarkDecrypt([key], token, p.ttl, p.now) !== false) !== python[i]!.ok);
    const accepted = python.filter((r) => r.ok).length;
    console.log(`fernet interop: TTL decisions agree with Python in ${probes.length - disagreements.length}/${probes.length} probes (${accepted} accepted, ${probes.length - accepted} refused)`);
    expect(disagreements).toEqual([]);
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(probes.length);
  });

  it("Python decrypts bulwark's tokens, with the same timestamp", () => {
    const cases = Array.from({ length: 200 }, (_, i) => ({ key: Fernet.generateKey(), data: randomData(i), timestamp: i % 2 === 0 ? randomTime() : undefined }));
    const tokens = cases.map((c) => new Fernet(c.key).encrypt(c.data, c.timestamp === undefined ? undefined : { timestamp: c.timestamp }));
    const ops: Op[] = cases.flatMap((c, i) => [
      { op: 'decrypt' as const, keys: [c.key], token: tokens[i]! },
      { op: 'timestamp' as const, key: c.key, token: tokens[i]! },
    ]);
    const results = py(ops);
    let matched = 0;
    cases.forEach((c, i) => {
      const data = Buffer.from(value<string>(results[2 * i]), 'base64');
      const stamp = value<number>(results[2 * i + 1]);
      if (data.equals(c.data) && stamp === new Fernet(c.key).extractTimestamp(tokens[i]!)) matched++;
    });
    console.log(`fernet interop: ${matched}/${cases.length} bulwark tokens decrypted by Python with the right data and timestamp`);
    expect(matched).toBe(cases.length);
  });

  it('both refuse tampered tokens and tokens for another key', () => {
    const key = Fernet.generateKey();
    const token = new Fernet(key).encrypt('tamper');
    const bytes = Buffer.from(token, 'base64url');
    const tampered: string[] = [];
    for (let i = 0; i < bytes.length; i += 3) {
      const copy = Buffer.from(bytes);
      copy[i]! ^= 1 << randomInt(8);
      tampered.push(copy.toString('base64url').padEnd(token.length, '='));
    }
    const results = py([...tampered.map((t) => ({ op: 'decrypt' as const, keys: [key], token: t })), { op: 'decrypt', keys: [Fernet.generateKey()], token }]);
    expect(results.every((r) => !r.ok)).toBe(true);
    for (const t of tampered) expect(bulwarkDecrypt([key], t)).toBe(false);
  });

  it('MultiFernet.rotate output is readable by both, keeping the original timestamp', () => {
    const [oldKey, newKey] = [Fernet.generateKey(), Fernet.generateKey()];
    const timestamp = 1_600_000_000;
    const data = Buffer.from('rotate across languages');
    // bulwark rotates a Python token.
    const pythonToken = value<string>(py([{ op: 'encrypt', key: oldKey, data: data.toString('base64'), timestamp }])[0]);
    const rotatedHere = new MultiFernet([newKey, oldKey]).rotate(pythonToken);
    // Python rotates a bulwark token.
    const bulwarkToken = new Fernet(oldKey).encrypt(data, { timestamp });
    const [readHere, stampHere, rotatedThere, refusedOld] = py([
      { op: 'decrypt', keys: [newKey], token: rotatedHere },
      { op: 'timestamp', key: newKey, token: rotatedHere },
      { op: 'rotate', keys: [newKey, oldKey], token: bulwarkToken },
      { op: 'decrypt', keys: [oldKey], token: rotatedHere },
    ]);
    expect(Buffer.from(value<string>(readHere), 'base64').equals(data)).toBe(true);
    expect(value<number>(stampHere)).toBe(timestamp);
    expect(refusedOld!.ok).toBe(false);
    const rotated = value<string>(rotatedThere);
    expect(Buffer.from(new Fernet(newKey).decrypt(rotated)).equals(data)).toBe(true);
    expect(new Fernet(newKey).extractTimestamp(rotated)).toBe(timestamp);
    expect(bulwarkDecrypt([oldKey], rotated)).toBe(false);
  });

  it("Python reads the token inside a field encryptor's stored value", () => {
    const key = Fernet.generateKey();
    const stored = createFieldEncryptor({ keys: [{ id: 'k1', key }] }).encrypt({ webhook: 'whsec_123' });
    const [result] = py([{ op: 'decrypt', keys: [key], token: stored.slice('k1:'.length) }]);
    expect(JSON.parse(Buffer.from(value<string>(result), 'base64').toString('utf8'))).toEqual({ webhook: 'whsec_123' });
  });
});

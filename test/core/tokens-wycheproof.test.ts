/**
 * Project Wycheproof's JSON Web Crypto vectors (../shared/corpora/jwt/, see its SOURCE.md) through
 * `importKeys` and `verifyJws`: for every supported algorithm (EdDSA, ES256, RS256, HS256), each
 * valid vector verifies and each invalid one is refused, including the key-set checks.
 */

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importKeys, TOKEN_ALGORITHMS, verifyJws, type TokenKey } from '../../src/core/tokens/index.js';

const CORPUS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'corpora', 'jwt');

interface Vector {
  tcId: number;
  comment: string;
  jws: string | Record<string, unknown>;
  result: 'valid' | 'invalid';
}
interface Group {
  type: string;
  comment: string;
  private?: Record<string, unknown>;
  public?: Record<string, unknown>;
  tests: Vector[];
}

/**
 * Vectors where the corpus disagrees with itself or with a byte-exact verifier, each with its reason.
 * Identical strings labelled both valid and invalid are found automatically (see `contradictory`).
 */
const DISAGREEMENTS: Record<number, string> = {
  372: "labelled valid, but a '?' was inserted into the header after signing: the signed bytes differ, so an exact verifier refuses it",
  373: "labelled valid, but a '?' was inserted into the payload after signing: the signed bytes differ, so an exact verifier refuses it",
};

function load(file: string): Group[] {
  return (JSON.parse(readFileSync(path.join(CORPUS, file), 'utf8')) as { testGroups: Group[] }).testGroups;
}

function headerAlg(jws: Vector['jws']): string | undefined {
  if (typeof jws !== 'string') return undefined;
  try {
    const header = JSON.parse(Buffer.from(jws.split('.')[0] ?? '', 'base64url').toString('utf8')) as { alg?: unknown };
    return typeof header.alg === 'string' ? header.alg : undefined;
  } catch {
    return undefined;
  }
}

function keysOf(group: Group): TokenKey[] | undefined {
  const source = group.public ?? group.private ?? {};
  const list = Array.isArray(source.keys) ? (source.keys as Record<string, unknown>[]) : [source];
  try {
    return importKeys(list);
  } catch {
    return undefined; // a refused key set: every vector of the group must then fail
  }
}

async function accepts(keys: TokenKey[] | undefined, jws: Vector['jws']): Promise<boolean> {
  if (keys === undefined || typeof jws !== 'string') return false; // JSON serialization is not supported
  try {
    await verifyJws(jws, keys);
    return true;
  } catch {
    return false;
  }
}

async function run(file: string) {
  const tally = { validAccepted: 0, invalidRefused: 0, unsupported: 0, contradictory: 0, disagreements: 0, wrong: [] as string[] };
  for (const group of load(file)) {
    if (group.comment.startsWith('jwe')) continue; // encryption: out of scope
    const keys = keysOf(group);
    const validStrings = new Set(group.tests.filter((t) => t.result === 'valid').map((t) => JSON.stringify(t.jws)));
    for (const vector of group.tests) {
      const alg = headerAlg(vector.jws);
      if (vector.result === 'valid' && !TOKEN_ALGORITHMS.includes(alg as never)) {
        tally.unsupported++;
        continue;
      }
      if (vector.result === 'invalid' && validStrings.has(JSON.stringify(vector.jws))) {
        tally.contradictory++;
        continue;
      }
      if (DISAGREEMENTS[vector.tcId] !== undefined && file.includes('signature')) {
        tally.disagreements++;
        expect(await accepts(keys, vector.jws)).toBe(false);
        continue;
      }
      const accepted = await accepts(keys, vector.jws);
      if (accepted === (vector.result === 'valid')) {
        if (accepted) tally.validAccepted++;
        else tally.invalidRefused++;
      } else {
        tally.wrong.push(`${group.comment} #${vector.tcId} ${vector.comment}: expected ${vector.result}`);
      }
    }
  }
  return tally;
}

describe('Wycheproof JSON Web Crypto vectors', () => {
  for (const file of ['wycheproof_json_web_signature_test.json', 'wycheproof_json_web_key_test.json', 'wycheproof_json_web_crypto_test.json']) {
    it(`${file}: every valid vector of a supported algorithm verifies, every invalid one is refused`, async () => {
      const tally = await run(file);
      const checked = tally.validAccepted + tally.invalidRefused;
      console.log(
        `[wycheproof] ${file}: ${tally.validAccepted} valid accepted, ${tally.invalidRefused} invalid refused, ${tally.wrong.length} wrong ` +
          `(${((100 * checked) / (checked + tally.wrong.length)).toFixed(1)}% agree); skipped: ${tally.unsupported} valid vectors of unsupported algorithms, ` +
          `${tally.contradictory} invalid vectors identical to a valid one, ${tally.disagreements} refused despite a "valid" label (see DISAGREEMENTS)`,
      );
      expect(tally.wrong).toEqual([]);
      expect(checked).toBeGreaterThan(0);
    });
  }
});

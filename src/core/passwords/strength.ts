/**
 * Password strength from a realistic estimator: zxcvbn-ts with its common and English dictionaries
 * and keyboard graphs, loaded on first use (about 1 s and a few MB, so only when asked for).
 * The estimate (log10 of the guesses an attacker needs) maps onto a 0-100 score whose five bands
 * are zxcvbn's own scores 0-4, with labels from "very weak" to "very strong".
 */

import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { InvalidInputError } from '../errors.js';

export type StrengthLabel = 'very weak' | 'weak' | 'fair' | 'strong' | 'very strong';

export interface PasswordStrength {
  /** 0-100: 0-19 very weak, 20-39 weak, 40-59 fair, 60-79 strong, 80-100 very strong. */
  score: number;
  label: StrengthLabel;
  /** zxcvbn's own score (0-4), the band of `score`. */
  zxcvbnScore: 0 | 1 | 2 | 3 | 4;
  /** log10 of the estimated guesses. */
  guessesLog10: number;
  /** Estimated seconds to crack: online with throttling (100/hour), offline against a slow hash (10,000/s). */
  crackTimeSeconds: { onlineThrottled: number; offlineSlowHash: number };
  /** Why it is weak and what to do, in English; empty for strong passwords. */
  feedback: { warning: string | undefined; suggestions: string[] };
}

export const STRENGTH_LABELS: readonly StrengthLabel[] = ['very weak', 'weak', 'fair', 'strong', 'very strong'];
/** Longest input given to the estimator: its matching is superlinear, and policies cap passwords well below. */
export const MAX_STRENGTH_INPUT = 256;
// zxcvbn's score thresholds are 1e3, 1e6, 1e8 and 1e10 guesses; 1e12 and more is 100.
const ANCHORS = [0, 3, 6, 8, 10, 12] as const;

let loading: Promise<ZxcvbnFactory> | undefined;

function estimator(): Promise<ZxcvbnFactory> {
  loading ??= Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common'), import('@zxcvbn-ts/language-en')]).then(
    ([core, common, en]) =>
      new core.ZxcvbnFactory({
        dictionary: { ...common.dictionary, ...en.dictionary },
        graphs: common.adjacencyGraphs,
        translations: en.translations,
        maxLength: MAX_STRENGTH_INPUT,
      }),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/** Maps log10(guesses) to 0-100, linear between zxcvbn's thresholds, kept inside the band of its score. */
export function strengthScore(guessesLog10: number, band: number): number {
  let score = 100;
  for (let i = 1; i < ANCHORS.length; i++) {
    const high = ANCHORS[i]!;
    if (guessesLog10 < high) {
      const low = ANCHORS[i - 1]!;
      score = 20 * (i - 1) + (20 * (Math.max(guessesLog10, low) - low)) / (high - low);
      break;
    }
  }
  return Math.min(Math.max(Math.floor(score), band * 20), band === 4 ? 100 : band * 20 + 19);
}

/** Estimates a password's strength; `userInputs` (name, e-mail, site name) count as easy guesses. */
export async function estimatePasswordStrength(password: string, userInputs: readonly string[] = []): Promise<PasswordStrength> {
  if (typeof password !== 'string') throw new InvalidInputError('passwords: the password must be a string');
  const zxcvbn = await estimator();
  const inputs = userInputs.filter((input): input is string => typeof input === 'string').map((input) => input.slice(0, MAX_STRENGTH_INPUT));
  const result = zxcvbn.check(password.normalize('NFKC').slice(0, MAX_STRENGTH_INPUT), inputs);
  const band = result.score;
  const score = strengthScore(result.guessesLog10, band);
  return {
    score,
    label: STRENGTH_LABELS[band]!,
    zxcvbnScore: band,
    guessesLog10: result.guessesLog10,
    crackTimeSeconds: {
      onlineThrottled: result.crackTimes.onlineThrottlingXPerHour.seconds,
      offlineSlowHash: result.crackTimes.offlineSlowHashingXPerSecond.seconds,
    },
    feedback: { warning: result.feedback.warning ?? undefined, suggestions: [...result.feedback.suggestions] },
  };
}

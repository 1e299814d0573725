/**
 * Recognizes secrets that should never reach production: placeholders copied from docs, short
 * values, and values with too little randomness. Heuristics, tuned so that a random secret from
 * `bulwark keygen` (32 bytes, base64url) always passes.
 */

export type SecretWeakness = 'placeholder' | 'too-short' | 'low-entropy';

/** Characters; a 32-byte random secret in base64url has 43. */
export const MIN_SECRET_LENGTH = 32;
/** Estimated from the characters' spread; 32 random base64url characters score about 145. */
export const MIN_SECRET_BITS = 128;

/** Found anywhere in the value (letters and digits only, lower case). Six characters or more, so random text never matches by chance. */
const PLACEHOLDER_PARTS = [
  'changeme', 'changethis', 'replaceme', 'secret', 'password', 'passwd', 'placeholder', 'example',
  'default', 'dummy', 'insecure', 'qwerty', 'letmein', 'foobar', '123456', 'abcdef', 'yourkey',
  'xxxxxx', 'keyboardcat', 'shhhhh', 'notsecure',
];

/** The whole value (letters and digits only, lower case). */
const PLACEHOLDER_VALUES = new Set(['test', 'todo', 'key', 'token', 'admin', 'root', 'dev', 'development', 'prod', 'production', 'null', 'none', 'undefined', 'empty', 'tbd', 'fixme']);

/** Fernet keys published in specs and docs: valid format, known to everyone. */
const PUBLISHED_FERNET_KEYS = new Set(['cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=']);

/** Shannon entropy of the value's characters times its length: a rough upper bound on its randomness in bits. */
export function estimateBits(value: string): number {
  const counts = new Map<string, number>();
  for (const char of value) counts.set(char, (counts.get(char) ?? 0) + 1);
  const length = [...value].length;
  let perChar = 0;
  for (const count of counts.values()) {
    const p = count / length;
    perChar -= p * Math.log2(p);
  }
  return perChar * length;
}

export function isPlaceholder(value: string): boolean {
  const folded = value.toLowerCase().replace(/[^a-z0-9]/g, '');
  return PLACEHOLDER_VALUES.has(folded) || PLACEHOLDER_PARTS.some((part) => folded.includes(part));
}

/** Why a secret is weak, or undefined if it looks random enough. */
export function secretWeakness(value: string, minLength = MIN_SECRET_LENGTH): SecretWeakness | undefined {
  if (isPlaceholder(value)) return 'placeholder';
  if ([...value].length < minLength) return 'too-short';
  if (estimateBits(value) < MIN_SECRET_BITS) return 'low-entropy';
  return undefined;
}

/** Why 32 decoded Fernet key bytes are weak: a published key, or too few distinct bytes to be random. */
export function fernetKeyWeakness(text: string, bytes: Uint8Array): SecretWeakness | undefined {
  if (PUBLISHED_FERNET_KEYS.has(text.trim())) return 'placeholder';
  // 32 random bytes have about 30 distinct values; fewer than 16 happens by chance essentially never.
  return new Set(bytes).size < 16 ? 'low-entropy' : undefined;
}

/** What to tell the user about a weakness (never the value). */
export function describeWeakness(weakness: SecretWeakness, minLength = MIN_SECRET_LENGTH): string {
  switch (weakness) {
    case 'placeholder':
      return 'is a placeholder or a published example value';
    case 'too-short':
      return `is shorter than ${minLength} characters`;
    case 'low-entropy':
      return 'is not random enough (too few distinct characters for its length)';
  }
}

/** A secret for display: never any of its characters, only its length. */
export function maskSecret(value: string | undefined): string {
  return value === undefined ? '(not set)' : `**** (${[...value].length} characters)`;
}

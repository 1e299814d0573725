/**
 * Redaction of secrets before anything reaches a log: by key (anything that names a password,
 * token, cookie, secret or key) and by shape (JWTs, bearer credentials, Fernet tokens,
 * credentials in URLs, secret-named query parameters), however deeply nested.
 */

export const REDACTED = '[REDACTED]';

const SECRET_KEY = /pass(word|wd|phrase)?|secret|token|authorization|cookie|api[-_]?key|session|credential|private|jwt|csrf|otp|pepper|signature/i;

// Each pattern is linear: character classes with single quantifiers, no nested repetition.
const SHAPES: readonly (readonly [RegExp, string])[] = [
  [/\b(Bearer|Basic|Digest|Token)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`], // authorization values
  [/gAAAAA[A-Za-z0-9_-]{40,}={0,2}/g, REDACTED], // Fernet tokens
  [/\/\/[^/\s:@]{1,256}:[^/\s@]{1,256}@/g, `//${REDACTED}@`], // user:password@ in URLs
  [
    /([?&;](?:password|passwd|pass|token|access_token|refresh_token|id_token|secret|api_key|apikey|key|code|session|sid|sig|signature)=)[^&;#\s]*/gi,
    `$1${REDACTED}`,
  ],
];

const MAX_DEPTH = 8;
const MAX_ITEMS = 200;

/** Runs of base64url characters and dots; a regex for the JWT shape itself backtracks quadratically on runs of `eyJ`. */
const TOKEN_RUN = /[A-Za-z0-9_.-]{16,}/g;

/** JWT / JWS compact: `eyJ<header>.eyJ<payload>.<signature>`. */
function containsJwt(run: string): boolean {
  const start = run.indexOf('eyJ');
  if (start === -1) return false;
  const parts = run.slice(start).split('.');
  return parts.length >= 3 && parts[0]!.length >= 8 && parts[1]!.length >= 8 && parts[1]!.startsWith('eyJ');
}

export function redactString(text: string): string {
  let out = text.replace(TOKEN_RUN, (run) => (containsJwt(run) ? REDACTED : run));
  for (const [shape, replacement] of SHAPES) out = out.replace(shape, replacement);
  return out;
}

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** Returns a redacted deep copy; cycles, depth and size are bounded. */
export function redact(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[Truncated]';
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.slice(0, MAX_ITEMS).map((item) => redact(item, depth + 1, seen));
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (value instanceof Error) return { name: value.name, message: redactString(value.message) };
  const out: Record<string, unknown> = {};
  let count = 0;
  for (const [key, item] of Object.entries(value)) {
    if (count++ >= MAX_ITEMS) break;
    // defineProperty: a `__proto__` key (e.g. from parsed JSON) stays data instead of replacing the prototype.
    const redacted = isSecretKey(key) ? REDACTED : redact(item, depth + 1, seen);
    Object.defineProperty(out, key, { value: redacted, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * The common-password blocklist: zxcvbn-ts's ranked list of about 49,000 passwords seen most often
 * in breaches (@zxcvbn-ts/language-common). Loaded on first use only, so importing
 * `bulwark/passwords` stays cheap.
 */

let loading: Promise<ReadonlySet<string>> | undefined;

/** The blocklist, lower-cased. Loads once; later calls share the same set. */
export function commonPasswords(): Promise<ReadonlySet<string>> {
  loading ??= import('@zxcvbn-ts/language-common').then(
    ({ dictionary }) => new Set(dictionary['passwords-common'].map((word) => String(word).toLowerCase())),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

const LETTER = /^\p{L}$/u;

/** Without leading and trailing non-letters: "Password123!" and "!!iloveyou" are the list's words dressed up. */
function letterCore(text: string): string {
  const chars = [...text];
  let start = 0;
  let end = chars.length;
  while (start < end && !LETTER.test(chars[start]!)) start++;
  while (end > start && !LETTER.test(chars[end - 1]!)) end--;
  return chars.slice(start, end).join('');
}

/**
 * True when the lower-cased password, or its letters without leading and trailing digits and
 * symbols (at least 4 of them), is on the list.
 */
export function isCommon(lowered: string, list: ReadonlySet<string>): boolean {
  if (list.has(lowered)) return true;
  const core = letterCore(lowered);
  return core.length >= 4 && core !== lowered && list.has(core);
}

const SEPARATOR = /[^\p{L}\p{N}]+/u;
const MIN_CONTEXT_TOKEN = 4;

/** Words from user data (name, e-mail, username) and the service's own words, lower-cased, 4+ characters. */
export function contextTokens(inputs: readonly string[]): string[] {
  const tokens = new Set<string>();
  for (const input of inputs) {
    if (typeof input !== 'string') continue;
    const lowered = input.normalize('NFKC').toLowerCase();
    if ([...lowered].length >= MIN_CONTEXT_TOKEN && lowered.length <= 256) tokens.add(lowered);
    for (const token of lowered.slice(0, 256).split(SEPARATOR)) if ([...token].length >= MIN_CONTEXT_TOKEN) tokens.add(token);
  }
  return [...tokens];
}

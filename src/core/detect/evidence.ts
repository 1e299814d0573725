/** Short, printable evidence snippets: findings carry user input, so they stay small and one-line. */

const MAX_EVIDENCE = 80;
const BEFORE = 16;

/** Up to 80 characters of `text` around `index`, control characters shown as spaces, `…` where cut. */
export function snippet(text: string, index = 0, length = 0): string {
  const start = Math.max(0, Math.min(index, text.length) - BEFORE);
  const end = Math.min(text.length, start + Math.max(MAX_EVIDENCE, Math.min(length, MAX_EVIDENCE)));
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  let out = text.slice(start, end).replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  if (start > 0) out = `…${out}`;
  if (end < text.length) out = `${out}…`;
  return out;
}

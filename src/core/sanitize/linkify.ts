/**
 * `linkify(text)`: plain text in, HTML out. Bare http(s) URLs, `www.` hosts and e-mail addresses
 * become links; everything else is escaped text, so nothing but those links can become markup.
 */

import { InvalidInputError } from '../errors.js';
import { escapeHtml } from './escape.js';
import { DEFAULT_LINK_REL } from './profiles.js';

export interface LinkifyOptions {
  /** Turn e-mail addresses into mailto: links. Default true. */
  emails?: boolean;
}

const WHITESPACE_RUN = /(\s+)/;
const URL_START = /^(?:https?:\/\/|www\.)/i;
const EMAIL_LOCAL = /^[A-Za-z0-9._%+-]{1,64}$/;
const DOMAIN_LABEL = /^[A-Za-z0-9-]{1,63}$/;
const TOP_LEVEL = /^[A-Za-z]{2,63}$/;
const LEADING = new Set(['(', '[', '{', '<', '"', "'"]);
const TRAILING = new Set(['.', ',', ';', ':', '!', '?', '"', "'", ')', ']', '}', '>']);
const MAX_LINK_LENGTH = 2048;

/** Splits a whitespace-free token into leading punctuation, the link candidate, and trailing punctuation. */
function split(token: string): [string, string, string] {
  let start = 0;
  while (start < token.length && LEADING.has(token[start]!)) start++;
  let end = token.length;
  let opens = 0;
  let closes = 0;
  for (let i = start; i < end; i++) {
    if (token[i] === '(') opens++;
    else if (token[i] === ')') closes++;
  }
  while (end > start && TRAILING.has(token[end - 1]!)) {
    // Keep a closing parenthesis that closes one inside the URL: https://en.wikipedia.org/wiki/X_(Y)
    if (token[end - 1] === ')') {
      if (opens >= closes) break;
      closes--;
    }
    end--;
  }
  return [token.slice(0, start), token.slice(start, end), token.slice(end)];
}

/** `local@label.label.tld`, 2 to 9 labels, checked piece by piece. */
function isEmail(candidate: string): boolean {
  const at = candidate.indexOf('@');
  if (at <= 0 || candidate.indexOf('@', at + 1) !== -1 || !EMAIL_LOCAL.test(candidate.slice(0, at))) return false;
  const labels = candidate.slice(at + 1).split('.');
  return labels.length >= 2 && labels.length <= 9 && TOP_LEVEL.test(labels.at(-1)!) && labels.slice(0, -1).every((label) => DOMAIN_LABEL.test(label));
}

function webHref(candidate: string): string | undefined {
  if (!URL_START.test(candidate) || candidate.length > MAX_LINK_LENGTH) return undefined;
  let url: URL;
  try {
    url = new URL(/^www\./i.test(candidate) ? `https://${candidate}` : candidate);
  } catch {
    return undefined;
  }
  // Credentials in a link are a phishing trick (https://bank.example@evil.example/); leave them as text.
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password || !url.hostname.includes('.')) return undefined;
  return url.href;
}

function anchor(href: string, text: string): string {
  return `<a href="${escapeHtml(href)}" rel="${DEFAULT_LINK_REL}">${escapeHtml(text)}</a>`;
}

/** Escapes `text` and turns bare URLs and e-mail addresses into links with rel="noopener noreferrer nofollow". */
export function linkify(text: string, options: LinkifyOptions = {}): string {
  if (typeof text !== 'string') throw new InvalidInputError('linkify: expected a string');
  const emails = options.emails ?? true;
  let out = '';
  for (const part of text.split(WHITESPACE_RUN)) {
    if (part === '' || WHITESPACE_RUN.test(part)) {
      out += escapeHtml(part);
      continue;
    }
    const [before, candidate, after] = split(part);
    const href = webHref(candidate);
    if (href) out += escapeHtml(before) + anchor(href, candidate) + escapeHtml(after);
    else if (emails && isEmail(candidate)) out += escapeHtml(before) + anchor(`mailto:${candidate}`, candidate) + escapeHtml(after);
    else out += escapeHtml(part);
  }
  return out;
}

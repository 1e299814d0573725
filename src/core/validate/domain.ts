/**
 * Domain names for e-mail addresses: fully qualified, LDH labels, IDN converted to A-labels with
 * the WHATWG URL parser (UTS #46 in every runtime, no node:url), homograph-prone labels refused.
 */

export type DomainResult = { ok: true; value: string } | { ok: false; message: string; suspicious: boolean };

export const MAX_DOMAIN_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;
const UNICODE_WORD = /^[\p{L}\p{M}\p{N}]$/u;
const LATIN = /\p{Script=Latin}/u;
const CYRILLIC = /\p{Script=Cyrillic}/u;
const GREEK = /\p{Script=Greek}/u;

function isLdhChar(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39) || code === 0x2d;
}

function isLetters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x61 || code > 0x7a) return false;
  }
  return true;
}

/** Latin mixed with Cyrillic or Greek inside one label is the classic homograph (раypal). */
function mixesScripts(label: string): boolean {
  let scripts = 0;
  if (LATIN.test(label)) scripts++;
  if (CYRILLIC.test(label)) scripts++;
  if (GREEK.test(label)) scripts++;
  return scripts > 1;
}

function failure(message: string, suspicious = false): DomainResult {
  return { ok: false, message, suspicious };
}

/** Converts a domain to lower-case ASCII and checks it is a plausible public host name. */
export function toAsciiDomain(text: string): DomainResult {
  if (text.length === 0 || text.length > MAX_DOMAIN_LENGTH * 4) return failure('the domain is empty or too long');
  if (text.endsWith('.')) return failure('the domain ends with a dot');
  let ascii = true;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) {
      ascii = false;
      continue;
    }
    const lower = code >= 0x41 && code <= 0x5a ? code + 0x20 : code;
    if (!isLdhChar(lower) && code !== 0x2e) return failure('the domain contains a character that is not allowed');
  }
  let domain = text.toLowerCase();
  if (!ascii) {
    for (const char of text) {
      if (char.charCodeAt(0) > 0x7f && !UNICODE_WORD.test(char)) return failure('the domain contains a character that is not allowed');
    }
    for (const label of domain.split('.')) {
      if (mixesScripts(label)) return failure('a domain label mixes Latin with Cyrillic or Greek letters', true);
    }
  }
  if (!ascii || domain.includes('xn--')) {
    try {
      domain = new URL(`http://${domain}/`).hostname;
    } catch {
      return failure('the domain is not a valid internationalized domain name');
    }
  }
  if (domain.length > MAX_DOMAIN_LENGTH) return failure(`the domain is longer than ${MAX_DOMAIN_LENGTH} characters`);
  const labels = domain.split('.');
  if (labels.length < 2) return failure('the domain needs at least two labels (name.tld)');
  for (const label of labels) {
    if (label.length === 0 || label.length > MAX_LABEL_LENGTH) return failure('a domain label is empty or longer than 63 characters');
    for (let i = 0; i < label.length; i++) {
      if (!isLdhChar(label.charCodeAt(i))) return failure('the domain contains a character that is not allowed');
    }
    if (label.startsWith('-') || label.endsWith('-')) return failure('a domain label starts or ends with a hyphen');
  }
  const tld = labels[labels.length - 1]!;
  if (!(tld.length >= 2 && isLetters(tld)) && !tld.startsWith('xn--')) return failure('the top-level domain must be letters (two or more)');
  return { ok: true, value: domain };
}

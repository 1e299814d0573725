/**
 * Store keys: `namespace:part:part` or, with a Cluster hash tag, `namespace:{tag}:part`.
 *
 * Every part is escaped (`%` `:` `{` `}` `#` and lone surrogates are percent-encoded), so user
 * input (an email, a username) can neither collide with another key nor forge a hash tag: a key
 * contains `{` and `}` only around its own tag, and different inputs always give different keys.
 */

import { InvalidInputError } from '../errors.js';
import type { StoreKey, TaggedStoreKey } from './types.js';

export type KeyPart = string | number;

/** Longest key (before the store's prefix), in UTF-16 code units. */
export const MAX_KEY_LENGTH = 2048;

const NAMESPACE = /^[a-z][a-z0-9_-]{0,31}$/;
const SPECIAL = /[%:{}#]/g;
const SURROGATE = /[\uD800-\uDFFF]/;
const ESCAPES: Readonly<Record<string, string>> = { '%': '%25', ':': '%3A', '{': '%7B', '}': '%7D', '#': '%23' };

function escapeLoneSurrogates(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const high = unit >= 0xd800 && unit <= 0xdbff;
    const next = text.charCodeAt(i + 1);
    if (high && next >= 0xdc00 && next <= 0xdfff) {
      out += text[i]! + text[i + 1]!;
      i++;
    } else if (unit >= 0xd800 && unit <= 0xdfff) {
      out += `%u${unit.toString(16).toUpperCase()}`;
    } else {
      out += text[i]!;
    }
  }
  return out;
}

function escapePart(part: KeyPart): string {
  if (typeof part === 'number') {
    if (!Number.isFinite(part)) throw new InvalidInputError('store key: number parts must be finite');
    return String(part);
  }
  if (typeof part !== 'string') throw new InvalidInputError('store key: parts must be strings or numbers');
  const escaped = part.replace(SPECIAL, (c) => ESCAPES[c]!);
  return SURROGATE.test(escaped) ? escapeLoneSurrogates(escaped) : escaped;
}

function build(namespace: string, head: string, parts: readonly KeyPart[]): string {
  if (typeof namespace !== 'string' || !NAMESPACE.test(namespace)) {
    throw new InvalidInputError('store key: the namespace must be 1-32 characters of a-z, 0-9, "_" or "-", starting with a letter');
  }
  let key = namespace + head;
  for (const part of parts) key += ':' + escapePart(part);
  if (key.length > MAX_KEY_LENGTH) throw new InvalidInputError(`store key: longer than ${MAX_KEY_LENGTH} characters`);
  return key;
}

/** Builds `namespace:part:part` with every part escaped. */
export function storeKey(namespace: string, ...parts: KeyPart[]): StoreKey {
  return build(namespace, '', parts) as StoreKey;
}

/**
 * Builds `namespace:{tag}:part...`: in Redis Cluster every key with the same tag lands in one slot,
 * which capped collections and any multi-key operation need. Tag by the owner (a user id).
 */
export function taggedKey(namespace: string, tag: KeyPart, ...parts: KeyPart[]): TaggedStoreKey {
  const escapedTag = escapePart(tag);
  if (escapedTag === '') throw new InvalidInputError('store key: the hash tag must not be empty');
  return build(namespace, `:{${escapedTag}}`, parts) as TaggedStoreKey;
}

/** True for a key built by `taggedKey()`. */
export function isTaggedKey(key: string): key is TaggedStoreKey {
  const open = key.indexOf('{');
  return open > 0 && key.indexOf('}', open) > open + 1;
}

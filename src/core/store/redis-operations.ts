/** The store seam over Redis commands and scripts, shared by the standalone and Cluster stores. */

import type { BoundedCaller } from './redis-connection.js';
import { ADD_MEMBER, INCREMENT, LIST_MEMBERS, REMOVE_ALL_MEMBERS, REMOVE_MEMBER } from './redis-scripts.js';
import type { CollectionMember, SecurityStore } from './types.js';
import * as check from './validate.js';

export type StoreOperations = Omit<SecurityStore, 'kind' | 'prefix' | 'timeoutMs' | 'close'>;

const orUndefined = (reply: unknown): string | undefined => (reply === null || reply === undefined ? undefined : String(reply));

const asStrings = (reply: unknown): string[] => (Array.isArray(reply) ? reply.map(String) : []);

/**
 * Redis key layout: values at `<prefix><key>`; a collection at `<prefix><owner>#ids` (ZSET by
 * score), `#exp` (ZSET by expiry) and `#val` (HASH). The owner's hash tag puts all three in one slot.
 */
export function redisOperations(redis: BoundedCaller, prefix: string): StoreOperations {
  const k = (key: string): string => prefix + check.checkKey(key);
  const collection = (owner: string): string[] => {
    const base = prefix + check.checkOwner(owner);
    return [`${base}#ids`, `${base}#exp`, `${base}#val`];
  };

  return {
    async get(key) {
      return orUndefined(await redis.call('GET', [k(key)]));
    },

    async set(key, value, options) {
      await redis.call('SET', [k(key), check.checkValue(value), 'PX', check.checkTtl(options)]);
    },

    async setIfAbsent(key, value, options) {
      return (await redis.call('SET', [k(key), check.checkValue(value), 'PX', check.checkTtl(options), 'NX'])) !== null;
    },

    async swap(key, value, options) {
      return orUndefined(await redis.call('SET', [k(key), check.checkValue(value), 'PX', check.checkTtl(options), 'GET']));
    },

    async take(key) {
      return orUndefined(await redis.call('GETDEL', [k(key)]));
    },

    async delete(key) {
      return Number(await redis.call('DEL', [k(key)])) > 0;
    },

    async increment(key, options) {
      const { by, ttlMs } = check.checkIncrement(options);
      return Number(await redis.script(INCREMENT, [k(key)], [by, ttlMs]));
    },

    async expire(key, options) {
      return Number(await redis.call('PEXPIRE', [k(key), check.checkTtl(options)])) === 1;
    },

    async ttlMs(key) {
      const ttl = Number(await redis.call('PTTL', [k(key)]));
      if (ttl === -2) return undefined;
      return ttl === -1 ? Number.POSITIVE_INFINITY : ttl;
    },

    async addMember(owner, id, options) {
      const keys = collection(owner);
      check.checkMemberId(id);
      const { score, max, ttlMs, value } = check.checkAddMember(options);
      const args = [id, String(score), max, ttlMs, value === undefined ? '0' : '1', value ?? ''];
      return asStrings(await redis.script(ADD_MEMBER, keys, args));
    },

    async listMembers(owner) {
      const reply = await redis.script(LIST_MEMBERS, collection(owner), []);
      return (Array.isArray(reply) ? reply : []).map((row: unknown[]): CollectionMember => ({
        id: String(row[0]),
        score: Number(row[1]),
        expiresAt: Number(row[2]),
        value: orUndefined(row[3]),
      }));
    },

    async removeMember(owner, id) {
      const keys = collection(owner);
      return Number(await redis.script(REMOVE_MEMBER, keys, [check.checkMemberId(id)])) === 1;
    },

    async removeAllMembers(owner) {
      return asStrings(await redis.script(REMOVE_ALL_MEMBERS, collection(owner), []));
    },
  };
}

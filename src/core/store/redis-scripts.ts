/**
 * Lua scripts for the operations Redis has no single command for. Each touches only the KEYS it is
 * given, and the store passes keys that share one hash tag, so every script is Cluster-safe.
 * Member expiry uses the server's clock (TIME), like key expiry does.
 */

import { createHash } from 'node:crypto';

export interface RedisScript {
  readonly source: string;
  readonly sha1: string;
  readonly keys: number;
}

function script(keys: number, source: string): RedisScript {
  return { source, keys, sha1: createHash('sha1').update(source).digest('hex') };
}

/** KEYS[1] counter; ARGV: by, ttlMs. The TTL is set only when the key has none (a fixed window). */
export const INCREMENT = script(
  1,
  `local v = redis.call('INCRBY', KEYS[1], ARGV[1])
if v > 9007199254740991 or v < -9007199254740991 then
  redis.call('DECRBY', KEYS[1], ARGV[1])
  return redis.error_reply('ERR value is not an integer or out of range')
end
if redis.call('PTTL', KEYS[1]) == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return v`,
);

// Collections: KEYS[1] ids by score (ZSET), KEYS[2] ids by expiry time (ZSET), KEYS[3] values (HASH).
const COLLECTION_PRELUDE = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function drop(ids)
  if #ids > 0 then
    redis.call('ZREM', KEYS[1], unpack(ids))
    redis.call('ZREM', KEYS[2], unpack(ids))
    redis.call('HDEL', KEYS[3], unpack(ids))
  end
end
drop(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. string.format('%d', now)))
`;

/** ARGV: id, score, max, ttlMs, hasValue ('1' | '0'), value. Returns the evicted ids. */
export const ADD_MEMBER = script(
  3,
  `${COLLECTION_PRELUDE}
local id, max = ARGV[1], tonumber(ARGV[3])
redis.call('ZADD', KEYS[1], ARGV[2], id)
redis.call('ZADD', KEYS[2], string.format('%d', now + tonumber(ARGV[4])), id)
if ARGV[5] == '1' then redis.call('HSET', KEYS[3], id, ARGV[6]) else redis.call('HDEL', KEYS[3], id) end
local evicted = {}
local size = redis.call('ZCARD', KEYS[1])
if size > max then
  evicted = redis.call('ZRANGE', KEYS[1], 0, size - max - 1)
  drop(evicted)
end
local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
for i = 1, 3 do redis.call('PEXPIREAT', KEYS[i], last[2]) end
return evicted`,
);

/** Returns [id, score, expiresAt, value | nil] for each live member, lowest score first. */
export const LIST_MEMBERS = script(
  3,
  `${COLLECTION_PRELUDE}
local ids = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local out = {}
for i = 1, #ids, 2 do
  out[#out + 1] = { ids[i], ids[i + 1], redis.call('ZSCORE', KEYS[2], ids[i]), redis.call('HGET', KEYS[3], ids[i]) }
end
return out`,
);

/** ARGV: id. Returns 1 when a live member was removed. */
export const REMOVE_MEMBER = script(
  3,
  `${COLLECTION_PRELUDE}
local removed = redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return removed`,
);

/** Deletes the collection; returns the live ids it held, lowest score first. */
export const REMOVE_ALL_MEMBERS = script(
  3,
  `${COLLECTION_PRELUDE}
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
return ids`,
);

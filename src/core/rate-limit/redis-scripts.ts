/**
 * Lua for the limits on Redis: one script, one key, one round trip per check, so each is atomic and
 * Cluster-safe. FIXED_WINDOW keeps rate-limiter-flexible's model and key format (a counter that
 * expires with its window, on the server's clock).
 *
 * The others (sliding window, token bucket, GCRA) are each a line-for-line translation of
 * algorithms.ts. Their state is one string of five numbers, written with %.17g so doubles survive
 * the round trip exactly. Time is the server's (TIME) unless a clock is injected (ARGV[5]), so
 * processes with skewed clocks still agree.
 * KEYS[1] state; ARGV: points, durationMs, blockMs, cost, now ('' = server time).
 * Returns { allowed 0|1, remaining, resetMs, retryAfterMs, blocked 0|1 }, all integers.
 */

import { createHash } from 'node:crypto';
import type { RateLimitAlgorithm } from './types.js';

export interface LimitScript {
  readonly source: string;
  readonly sha1: string;
}

function named(source: string): LimitScript {
  return { source, sha1: createHash('sha1').update(source).digest('hex') };
}

/**
 * KEYS[1] counter; ARGV: cost, window s, block s (0 = none), points. Returns { used, ttl ms }.
 * Denied calls count too. The call that first goes over with a block sets the counter to points + 1
 * and its expiry to the block's end, as rate-limiter-flexible's block does, in the same step.
 */
export const FIXED_WINDOW: LimitScript = named(`local cost = tonumber(ARGV[1])
local used = redis.call('INCRBY', KEYS[1], cost)
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2]) * 1000
end
local P, block = tonumber(ARGV[4]), tonumber(ARGV[3])
if block > 0 and used > P and used - cost <= P then
  redis.call('SET', KEYS[1], P + 1, 'EX', block)
  ttl = block * 1000
end
return {used, ttl}`);

const PRELUDE = `local P, D, blockMs, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local now
if ARGV[5] ~= '' then now = tonumber(ARGV[5]) else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local eps, epsP = D * 1e-9, P * 1e-9
local a, b, c, bu, exp = 0, 0, 0, 0, 0
local fresh = true
local v = redis.call('GET', KEYS[1])
if v then
  local s1, s2, s3, s4, s5 = string.match(v, '^(%S+) (%S+) (%S+) (%S+) (%S+)$')
  if s5 then
    a, b, c, bu, exp = tonumber(s1), tonumber(s2), tonumber(s3), tonumber(s4), tonumber(s5)
    fresh = now >= exp
  end
end
if fresh then bu = 0 end
if bu > now then return {0, 0, bu - now, bu - now, 1} end
local allowed, remaining, resetMs, retry
`;

const EPILOGUE = `
local blocked = 0
if (not allowed) and blockMs > 0 then
  bu = now + blockMs
  exp = math.max(exp, bu)
  blocked = 1
  retry = math.max(retry, blockMs)
  resetMs = math.max(resetMs, blockMs)
end
local ttl = math.max(1, math.ceil(exp - now))
-- With an injected clock, real time may pass faster than it: keep the key a minute longer (expiry only frees memory).
if ARGV[5] ~= '' then ttl = ttl + 60000 end
redis.call('SET', KEYS[1], string.format('%.17g %.17g %.17g %.17g %.17g', a, b, c, bu, exp), 'PX', ttl)
return {allowed and 1 or 0, remaining, resetMs, retry, blocked}`;

const SLIDING_WINDOW = `local start = now - (now % D)
if fresh then a = 0; b = 0; c = start
elseif c ~= start then
  if c == start - D then b = a else b = 0 end
  a = 0; c = start
end
local elapsed = now - start
local used = (b * (D - elapsed)) / D + a
allowed = used + cost <= P + epsP
retry = 0
if allowed then a = a + cost; used = used + cost
elseif a + cost <= P then retry = math.ceil(D - (D * (P - a - cost)) / b - eps) - elapsed
else retry = D - elapsed + math.ceil(D - (D * (P - cost)) / a - eps) end
if a > 0 then resetMs = start + 2 * D - now elseif b > 0 then resetMs = start + D - now else resetMs = 0 end
exp = start + 2 * D
remaining = math.max(0, math.floor(P - used + epsP))
if allowed then retry = math.max(retry, 0) else retry = math.max(retry, 1) end`;

const TOKEN_BUCKET = `local tokens = P
if not fresh then tokens = math.min(P, a + (math.max(0, now - c) * P) / D) end
allowed = tokens + epsP >= cost
if allowed then tokens = math.max(0, tokens - cost) end
a = tokens; c = now
local full = math.ceil(((P - tokens) * D) / P - eps)
exp = now + math.max(1, full)
if allowed then retry = 0 else retry = math.max(1, math.ceil(((cost - tokens) * D) / P - eps)) end
remaining = math.floor(tokens + epsP)
resetMs = math.max(0, full)`;

const GCRA = `local T = D / P
local ahead = 0
if not fresh then ahead = math.max(0, a - math.max(0, now - c)) end
local nxt = ahead + cost * T
allowed = nxt - D <= eps
local kept = ahead
if allowed then kept = nxt; a = nxt; c = now; exp = now + math.max(1, math.ceil(nxt)) end
remaining = math.max(0, math.floor((D - kept) / T + 1e-9))
resetMs = math.max(0, math.ceil(kept - eps))
if allowed then retry = 0 else retry = math.max(1, math.ceil(nxt - D - eps)) end`;

const script = (body: string): LimitScript => named(PRELUDE + body + EPILOGUE);

export const LIMIT_SCRIPTS: Readonly<Record<Exclude<RateLimitAlgorithm, 'fixed-window'>, LimitScript>> = {
  'sliding-window': script(SLIDING_WINDOW),
  'token-bucket': script(TOKEN_BUCKET),
  gcra: script(GCRA),
};

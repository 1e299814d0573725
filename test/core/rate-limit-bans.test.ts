/** Ban lists on memory: manual bans, progressive penalties with decay, subnet keys, the BanList seam. */

import { describe, expect, it } from 'vitest';
import { createBulwark } from '../../src/core/bulwark.js';
import { ConfigurationError, InvalidInputError } from '../../src/core/errors.js';
import { createBanList, type BanListOptions } from '../../src/core/rate-limit/index.js';
import { createMemoryStore } from '../../src/core/store/index.js';

const EPOCH = 1_699_999_200_000;
const MINUTE = 60_000;

function setup(options: BanListOptions = {}) {
  const time = { now: EPOCH };
  return { time, bans: createBanList({ now: () => time.now, ...options }) };
}

describe('manual bans', () => {
  it('ban, isBanned (synchronous on memory), lookup, unban', async () => {
    const { bans, time } = setup();
    expect(bans.isBanned('203.0.113.5')).toBe(false);
    const record = await bans.ban('203.0.113.5', 10 * MINUTE, 'scraping');
    expect(record).toEqual({ subnet: '203.0.113.5/32', until: EPOCH + 10 * MINUTE, reason: 'scraping' });
    expect(bans.isBanned('203.0.113.5')).toBe(true);
    expect(bans.isBanned('::ffff:203.0.113.5')).toBe(true);
    expect(bans.isBanned('203.0.113.6')).toBe(false);
    expect(await bans.lookup('203.0.113.5')).toEqual(record);
    time.now += 10 * MINUTE;
    expect(bans.isBanned('203.0.113.5')).toBe(false);
    await bans.ban('203.0.113.5', MINUTE);
    expect(await bans.unban('203.0.113.5')).toBe(true);
    expect(await bans.unban('203.0.113.5')).toBe(false);
    expect(bans.isBanned('203.0.113.5')).toBe(false);
  });

  it('bans an IPv6 client by its /56, like the limits', async () => {
    const { bans } = setup();
    await bans.ban('2001:db8:0:1200::1', MINUTE);
    expect(bans.isBanned('2001:db8:0:12ff:ffff::9')).toBe(true);
    expect(bans.isBanned('2001:db8:0:1300::1')).toBe(false);
  });

  it('refuses bad input without crashing the request path', async () => {
    const { bans } = setup();
    expect(bans.isBanned('not an ip')).toBe(false);
    expect(bans.isBanned(undefined as unknown as string)).toBe(false);
    await expect(bans.ban('not an ip', MINUTE)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(bans.ban('10.0.0.1', 0)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(bans.ban('10.0.0.1', 1.5)).rejects.toBeInstanceOf(InvalidInputError);
    expect(() => createBanList({ progressive: { factr: 2 } as never })).toThrow(/did you mean "factor"/);
    expect(() => createBanList({ onStoreError: 'insurance' as never })).toThrow(ConfigurationError);
  });

  it('ban lists on one memory store see each other’s bans', async () => {
    const store = createMemoryStore();
    const one = createBanList({ store });
    const two = createBanList({ store });
    await one.ban('198.51.100.1', MINUTE);
    expect(two.isBanned('198.51.100.1')).toBe(true);
    expect(createBanList().isBanned('198.51.100.1')).toBe(false);
    await store.close();
  });
});

describe('progressive bans', () => {
  it('bans longer for each offence, up to the maximum', async () => {
    const { bans, time } = setup({ progressive: { firstMs: MINUTE, factor: 4, maxMs: 30 * MINUTE, decayMs: 24 * 60 * MINUTE } });
    const durations: number[] = [];
    for (let i = 0; i < 4; i++) {
      const { ban, offences } = await bans.penalize('192.0.2.1', 'login flood');
      expect(offences).toBe(i + 1);
      durations.push(ban!.until - time.now);
      time.now = ban!.until;
    }
    expect(durations).toEqual([MINUTE, 4 * MINUTE, 16 * MINUTE, 30 * MINUTE]);
  });

  it('waits for the threshold, does not count offences while banned, and forgets them after the decay period', async () => {
    const { bans, time } = setup({ progressive: { threshold: 3, firstMs: MINUTE, decayMs: 60 * MINUTE } });
    expect((await bans.penalize('192.0.2.2')).ban).toBeUndefined();
    expect((await bans.penalize('192.0.2.2')).ban).toBeUndefined();
    const third = await bans.penalize('192.0.2.2');
    expect(third.ban?.until).toBe(EPOCH + MINUTE);
    expect(await bans.penalize('192.0.2.2')).toMatchObject({ offences: 3, ban: third.ban });
    // Each offence restarts the decay period; an hour of good behaviour forgets them all.
    time.now += 60 * MINUTE;
    expect(await bans.penalize('192.0.2.2')).toEqual({ offences: 1, ban: undefined });
  });

  it('unban forgives the offences too', async () => {
    const { bans } = setup({ progressive: { factor: 10 } });
    await bans.penalize('192.0.2.3');
    await bans.unban('192.0.2.3');
    expect((await bans.penalize('192.0.2.3')).ban!.until - EPOCH).toBe(MINUTE);
  });
});

describe('the BanList seam', () => {
  it('createBulwark({ bans }) refuses banned clients with 403', async () => {
    const { bans } = setup();
    const bulwark = createBulwark({ bans, csrf: false });
    const request = (ip: string) => ({ method: 'GET', url: 'http://app.test/', headers: new Headers({ host: 'app.test' }), remoteAddress: ip });
    await bans.ban('203.0.113.50', MINUTE);
    expect(await bulwark.protect(request('203.0.113.50'))).toMatchObject({ allowed: false, status: 403 });
    expect((await bulwark.protect(request('203.0.113.51'))).allowed).toBe(true);
  });
});

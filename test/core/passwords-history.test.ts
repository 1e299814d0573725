import { describe, expect, it } from 'vitest';
import { ConfigurationError, InvalidInputError } from '../../src/core/errors.js';
import { addToPasswordHistory, createPasswordExpiry, hashPassword, isPasswordReused } from '../../src/core/passwords/index.js';

const DAY = 86_400_000;

describe('password history', () => {
  it('refuses the last 5 passwords by default and allows older ones', async () => {
    let history: string[] = [];
    const passwords = ['first pass', 'second pass', 'third pass', 'fourth pass', 'fifth pass', 'sixth pass'];
    for (const password of passwords) history = addToPasswordHistory(history, await hashPassword(password));
    expect(history).toHaveLength(5);
    for (const recent of passwords.slice(1)) expect(await isPasswordReused(recent, history)).toBe(true);
    expect(await isPasswordReused('first pass', history)).toBe(false); // dropped out of the last five
    expect(await isPasswordReused('brand new', history)).toBe(false);
    expect(await isPasswordReused('second pass', history, { size: 4 })).toBe(false); // only the newest four count
  });

  it('keeps the newest first, does not change its input and de-duplicates', async () => {
    const a = await hashPassword('a-password');
    const b = await hashPassword('b-password');
    const history = Object.freeze([a]);
    expect(addToPasswordHistory(history, b)).toEqual([b, a]);
    expect(addToPasswordHistory([b, a], b)).toEqual([b, a]);
    expect(addToPasswordHistory([a, b], 'h3', { size: 2 })).toEqual(['h3', a]);
    expect(history).toEqual([a]);
  });

  it('refuses malformed histories', async () => {
    await expect(isPasswordReused('x', 'not an array' as never)).rejects.toBeInstanceOf(InvalidInputError);
    expect(() => addToPasswordHistory([42] as never, 'h')).toThrow(InvalidInputError);
    expect(() => addToPasswordHistory([], 'h', { size: 0 })).toThrow(ConfigurationError);
  });
});

describe('password expiry', () => {
  it('is off by default: never expires, only an explicit force-change', () => {
    const expiry = createPasswordExpiry();
    expect(expiry.status({ changedAt: 0 })).toEqual({ mustChange: false, warn: false, daysUntilExpiry: undefined, expiresAt: undefined });
    expect(expiry.status({ changedAt: 0, forceChange: true }).mustChange).toBe(true);
  });

  it('when enabled, counts the days, warns before and forces a change after', () => {
    const expiry = createPasswordExpiry({ maxAgeDays: 90, warnDays: 7 });
    const changedAt = Date.UTC(2026, 0, 1);
    expect(expiry.status({ changedAt }, changedAt + 10 * DAY)).toMatchObject({ mustChange: false, warn: false, daysUntilExpiry: 80 });
    expect(expiry.status({ changedAt: new Date(changedAt) }, changedAt + 85 * DAY)).toMatchObject({ mustChange: false, warn: true, daysUntilExpiry: 5 });
    const expired = expiry.status({ changedAt }, changedAt + 90 * DAY);
    expect(expired).toMatchObject({ mustChange: true, warn: false, daysUntilExpiry: 0 });
    expect(expired.expiresAt?.toISOString()).toBe('2026-04-01T00:00:00.000Z');
    expect(expiry.status({ changedAt, forceChange: true }, changedAt).mustChange).toBe(true);
    expect(() => expiry.status({ changedAt: 'yesterday' as never })).toThrow(InvalidInputError);
    expect(() => createPasswordExpiry({ maxAgeDay: 90 } as never)).toThrow(/did you mean "maxAgeDays"/);
  });
});

import { randomBytes } from 'node:crypto';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, InvalidInputError } from '../../src/core/errors.js';
import { createLockout, type LockoutEvent } from '../../src/core/lockout/index.js';
import {
  createBackupCodes,
  createTotpVerifier,
  decodeBase32,
  generateTotp,
  generateTotpSecret,
  totpQrCodeSvg,
  totpUri,
} from '../../src/core/mfa/index.js';
import { StoreUnavailableError } from '../../src/core/store/errors.js';
import { createMemoryStore } from '../../src/core/store/memory.js';
import type { SecurityStore } from '../../src/core/store/types.js';

const NOW = Date.UTC(2026, 4, 1, 12, 0, 10);

function brokenStore(): SecurityStore {
  const store = createMemoryStore();
  const broken = () => Promise.reject(new StoreUnavailableError('store: down'));
  return { ...store, setIfAbsent: broken, removeMember: broken, listMembers: broken };
}

describe('enrollment', () => {
  it('builds an otpauth URI that round-trips the secret, issuer, account and parameters', () => {
    const secret = generateTotpSecret();
    const uri = new URL(totpUri({ secret, issuer: 'Acme Co', account: 'alice+mfa@example.com', digits: 8, algorithm: 'SHA256' }));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Acme Co:alice+mfa@example.com');
    expect(Object.fromEntries(uri.searchParams)).toEqual({ secret, issuer: 'Acme Co', algorithm: 'SHA256', digits: '8', period: '30' });
    expect(decodeBase32(uri.searchParams.get('secret')!)).toHaveLength(20);
    expect(() => totpUri({ secret, issuer: 'Acme:Co', account: 'a' })).toThrow(ConfigurationError);
    expect(() => totpUri({ secret, issuer: 'Acme', account: 'line\nbreak' })).toThrow(/account/);
    expect(() => totpUri({ secret: 'not base32!', issuer: 'Acme', account: 'a' })).toThrow(InvalidInputError);
  });

  it('renders the URI as an SVG QR code with no script or event handler', async () => {
    const uri = totpUri({ secret: generateTotpSecret(), issuer: 'Acme', account: 'alice@example.com' });
    const svg = await totpQrCodeSvg(uri);
    const document = new JSDOM(svg, { contentType: 'image/svg+xml' }).window.document;
    const root = document.documentElement;
    expect(root.tagName).toBe('svg');
    expect(root.getAttribute('viewBox')).toMatch(/^0 0 \d+ \d+$/);
    expect(document.querySelectorAll('path').length).toBeGreaterThan(0);
    expect(svg).not.toMatch(/<script|\son[a-z]+=/i);
    await expect(totpQrCodeSvg('x'.repeat(3000))).rejects.toBeInstanceOf(InvalidInputError);
  });
});

describe('createTotpVerifier', () => {
  it('accepts a right code once: the same time step is refused afterwards (replay guard)', async () => {
    const totp = createTotpVerifier({ store: createMemoryStore() });
    const secret = generateTotpSecret();
    const code = generateTotp(secret, { timestamp: NOW });
    expect(await totp.verify('alice', code, secret, { timestamp: NOW })).toEqual({ valid: true, reason: undefined, retryAfterMs: 0, failedOpen: false });
    expect(await totp.verify('alice', code, secret, { timestamp: NOW + 5000 })).toMatchObject({ valid: false, reason: 'replayed' });
    // The step is used for alice only; the next step's code works.
    expect((await totp.verify('bob', code, secret, { timestamp: NOW })).valid).toBe(true);
    const next = generateTotp(secret, { timestamp: NOW + 30_000 });
    expect((await totp.verify('alice', next, secret, { timestamp: NOW + 30_000 })).valid).toBe(true);
  });

  it('lets exactly one of many concurrent uses of one code through', async () => {
    const totp = createTotpVerifier({ store: createMemoryStore(), lockout: false });
    const secret = generateTotpSecret();
    const code = generateTotp(secret, { timestamp: NOW });
    const results = await Promise.all(Array.from({ length: 30 }, () => totp.verify('alice', code, secret, { timestamp: NOW })));
    expect(results.filter((r) => r.valid)).toHaveLength(1);
    expect(results.filter((r) => r.reason === 'replayed')).toHaveLength(29);
  });

  it('sends wrong codes through the lockout: 5 failures lock, even the right code is then refused', async () => {
    const events: LockoutEvent[] = [];
    const store = createMemoryStore();
    const lockout = createLockout({ store, onEvent: (event) => events.push(event) });
    const totp = createTotpVerifier({ store, lockout });
    const secret = generateTotpSecret();
    const right = generateTotp(secret, { timestamp: NOW });
    const wrong = right === '000000' ? '000001' : '000000';
    for (let i = 0; i < 4; i++) expect(await totp.verify('alice', wrong, secret, { timestamp: NOW, ip: '203.0.113.9' })).toMatchObject({ reason: 'invalid' });
    const fifth = await totp.verify('alice', wrong, secret, { timestamp: NOW, ip: '203.0.113.9' });
    expect(fifth.retryAfterMs).toBeGreaterThan(0);
    expect(await totp.verify('alice', right, secret, { timestamp: NOW })).toMatchObject({ valid: false, reason: 'locked' });
    expect(events.filter((e) => e.type === 'authn_login_fail').every((e) => e.details?.factor === 'totp')).toBe(true);
    expect(events.some((e) => e.type === 'authn_login_lock')).toBe(true);
    expect(JSON.stringify(events)).not.toContain(secret);
  });

  it('denies when the store fails, unless told to allow (then marked failedOpen)', async () => {
    const secret = generateTotpSecret();
    const code = generateTotp(secret, { timestamp: NOW });
    const deny = createTotpVerifier({ store: brokenStore(), lockout: false });
    expect(await deny.verify('alice', code, secret, { timestamp: NOW })).toMatchObject({ valid: false, reason: 'store_unavailable' });
    const allow = createTotpVerifier({ store: brokenStore(), lockout: false, onStoreError: 'allow' });
    expect(await allow.verify('alice', code, secret, { timestamp: NOW })).toMatchObject({ valid: true, failedOpen: true });
    expect((await allow.verify('alice', '000000', generateTotpSecret(), { timestamp: NOW })).valid).toBe(false);
  });

  it('checks its options at construction', () => {
    expect(() => createTotpVerifier({ digits: 5 })).toThrow(ConfigurationError);
    expect(() => createTotpVerifier({ windw: 1 } as never)).toThrow(/did you mean "window"/);
    expect(() => createTotpVerifier({ lockout: {} as never })).toThrow(/lockout/);
  });
});

describe('createBackupCodes', () => {
  const pepper = randomBytes(32);

  it('gives 10 codes with at least 50 bits each, stored only as hashes', async () => {
    const store = createMemoryStore();
    const backup = createBackupCodes({ store, pepper });
    const codes = await backup.generate('alice');
    expect(codes).toHaveLength(10);
    for (const code of codes) expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}$/);
    const bits = 12 * Math.log2(32);
    console.log(`mfa backup codes: ${codes.length} per user, ${bits} bits each`);
    expect(bits).toBeGreaterThanOrEqual(50);
    expect(new Set(codes).size).toBe(10);
    const { taggedKey } = await import('../../src/core/store/key.js');
    const members = await store.listMembers(taggedKey('mfa-backup', 'alice'));
    expect(members).toHaveLength(10);
    const stored = JSON.stringify(members);
    for (const code of codes) {
      expect(stored).not.toContain(code);
      expect(stored).not.toContain(code.replace(/-/g, ''));
    }
  });

  it('consumes each code once, forgivingly typed, and warns when few remain', async () => {
    const backup = createBackupCodes({ store: createMemoryStore(), pepper, lockout: false });
    const codes = await backup.generate('alice');
    const sloppy = codes[0]!.toUpperCase().replace(/-/g, ' ').replace(/0/g, 'O').replace(/1/g, 'l');
    expect(await backup.consume('alice', sloppy)).toEqual({ valid: true, reason: undefined, retryAfterMs: 0, remaining: 9, low: false });
    expect(await backup.consume('alice', codes[0]!)).toMatchObject({ valid: false, reason: 'invalid' });
    expect((await backup.consume('bob', codes[1]!)).valid).toBe(false); // codes belong to their user
    for (const code of codes.slice(1, 7)) await backup.consume('alice', code);
    expect(await backup.consume('alice', codes[7]!)).toMatchObject({ valid: true, remaining: 2, low: true });
    expect(await backup.remaining('alice')).toBe(2);
    const fresh = await backup.generate('alice');
    expect(await backup.remaining('alice')).toBe(10);
    expect((await backup.consume('alice', codes[8]!)).valid).toBe(false); // old codes are gone
    expect((await backup.consume('alice', fresh[8]!)).valid).toBe(true);
    for (const bad of ['', 'short', 'x'.repeat(100), 'uuuu-uuuu-uuuu']) expect((await backup.consume('alice', bad)).valid).toBe(false);
  });

  it('lets exactly one of many concurrent uses of one code through', async () => {
    const backup = createBackupCodes({ store: createMemoryStore(), lockout: false });
    const [code] = await backup.generate('alice');
    const results = await Promise.all(Array.from({ length: 40 }, () => backup.consume('alice', code!)));
    expect(results.filter((r) => r.valid)).toHaveLength(1);
  });

  it('goes through the lockout and refuses when the store fails', async () => {
    const store = createMemoryStore();
    const backup = createBackupCodes({ store, lockout: createLockout({ store, maxFailures: 3 }) });
    const [code] = await backup.generate('alice');
    for (let i = 0; i < 3; i++) await backup.consume('alice', 'aaaa-bbbb-cccc');
    expect(await backup.consume('alice', code!)).toMatchObject({ valid: false, reason: 'locked' });
    const broken = createBackupCodes({ store: brokenStore(), lockout: false });
    expect(await broken.consume('alice', code!)).toMatchObject({ valid: false, reason: 'store_unavailable' });
    expect(() => createBackupCodes({ count: 0 })).toThrow(ConfigurationError);
    await expect(backup.consume('', code!)).rejects.toBeInstanceOf(InvalidInputError);
  });
});

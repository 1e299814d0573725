/**
 * The default Permissions-Policy in a real headless Chromium: every feature on the default list is
 * one Chromium knows (no "Unrecognized feature" console errors) and is disallowed in the page, and
 * the permission API reports the powerful ones as denied.
 */

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DISABLED_FEATURES } from '../../src/core/headers/permissions-policy.js';
import type { BulwarkOptions } from '../../src/core/index.js';
import { collectConsole, launchChromium } from './support/chromium.js';
import { startExpressFixture, startFetchFixture, type FixtureServer } from './support/fixture.js';

const POWERFUL = ['camera', 'geolocation', 'microphone'];

let browser: Browser;
const servers: FixtureServer[] = [];

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((s) => s.close()));
});

interface PolicyView {
  known: string[];
  allowed: Record<string, boolean>;
  permissionStates: Record<string, string>;
  console: string[];
}

async function viewPolicy(start: (options?: BulwarkOptions) => Promise<FixtureServer>, options?: BulwarkOptions): Promise<PolicyView> {
  const server = await start(options);
  servers.push(server);
  const page = await browser.newPage();
  try {
    const messages = collectConsole(page);
    await page.goto(`${server.origin}/`);
    const view = await page.evaluate(
      async ({ features, powerful }) => {
        const policy = (document as unknown as { featurePolicy?: { features(): string[]; allowsFeature(f: string): boolean } }).featurePolicy;
        if (!policy) throw new Error('this Chromium has no document.featurePolicy');
        const states = await Promise.all(
          powerful.map(async (name) => [name, (await navigator.permissions.query({ name: name as PermissionName })).state]),
        );
        return {
          known: policy.features(),
          allowed: Object.fromEntries([...features, 'fullscreen'].map((f) => [f, policy.allowsFeature(f)])),
          permissionStates: Object.fromEntries(states) as Record<string, string>,
        };
      },
      { features: [...DEFAULT_DISABLED_FEATURES], powerful: POWERFUL },
    );
    return { ...view, console: messages };
  } finally {
    await page.close();
  }
}

const policyMessages = (view: PolicyView): string[] => view.console.filter((m) => /permissions[- ]policy|feature policy/i.test(m));

describe.each([
  ['express', startExpressFixture],
  ['fetch', startFetchFixture],
] as const)('default Permissions-Policy through the %s adapter', (_name, start) => {
  let view: PolicyView;

  beforeAll(async () => {
    view = await viewPolicy(start);
  });

  it('names only features Chromium recognizes, without console complaints', () => {
    expect(DEFAULT_DISABLED_FEATURES.filter((f) => !view.known.includes(f))).toEqual([]);
    expect(policyMessages(view)).toEqual([]);
  });

  it('disallows every feature on the default list and leaves others alone', () => {
    const expected = Object.fromEntries([...DEFAULT_DISABLED_FEATURES.map((f) => [f, false]), ['fullscreen', true]]);
    expect(view.allowed).toEqual(expected);
  });

  it('makes the permission API report camera, geolocation and microphone as denied', () => {
    expect(view.permissionStates).toEqual({ camera: 'denied', geolocation: 'denied', microphone: 'denied' });
  });
});

describe('Permissions-Policy overrides (shows the probes can see a difference)', () => {
  it("allows a feature set to ['self'] and reports an unknown feature name in the console", async () => {
    const view = await viewPolicy(startExpressFixture, {
      headers: { permissionsPolicy: { geolocation: ['self'], 'not-a-real-feature': [] } },
    });
    expect(view.allowed.geolocation).toBe(true);
    expect(view.allowed.camera).toBe(false);
    expect(view.permissionStates.geolocation).not.toBe('denied');
    expect(view.permissionStates.camera).toBe('denied');
    expect(policyMessages(view).some((m) => m.includes('not-a-real-feature'))).toBe(true);
  });
});

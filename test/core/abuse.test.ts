/** Abuse signals and the risk score: user agents, rotation, many networks per account or session, regular timing. */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyUserAgent, createAbuseDetector, type AbuseDetectorOptions, type RiskAssessment } from '../../src/core/abuse/index.js';
import { createBanList, type RateLimitEvent } from '../../src/core/rate-limit/index.js';

const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
const SAFARI = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

function setup(options: AbuseDetectorOptions = {}) {
  const time = { now: 1_700_000_000_000 };
  const events: RateLimitEvent[] = [];
  const detector = createAbuseDetector({ now: () => time.now, onEvent: (event) => events.push(event), ...options });
  return { detector, time, events };
}

const signals = (assessment: RiskAssessment): string[] => assessment.reasons.map((r) => r.signal);

/** A human-ish pause: irregular, seconds apart. Deterministic so the test cannot flake. */
const humanGaps = [3_100, 12_400, 800, 45_000, 5_600, 2_200, 19_000, 7_700, 1_300, 26_000, 4_400, 9_900];

describe('classifyUserAgent', () => {
  it('recognizes attack tools, headless browsers, HTTP libraries, declared bots and a missing header', () => {
    expect(classifyUserAgent('sqlmap/1.8#stable (https://sqlmap.org)')).toEqual({ kind: 'attack-tool', match: 'sqlmap' });
    expect(classifyUserAgent('Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:000001)')).toEqual({ kind: 'attack-tool', match: 'nikto' });
    expect(classifyUserAgent('Fuzz Faster U Fool v2.1.0 ffuf')).toMatchObject({ kind: 'attack-tool' });
    expect(classifyUserAgent(CHROME.replace('Chrome/', 'HeadlessChrome/'))).toEqual({ kind: 'headless-browser', match: 'headlesschrome' });
    expect(classifyUserAgent('curl/8.5.0')).toEqual({ kind: 'automation-client', match: 'curl/' });
    expect(classifyUserAgent('python-requests/2.32.3')).toMatchObject({ kind: 'automation-client' });
    expect(classifyUserAgent('Go-http-client/2.0')).toMatchObject({ kind: 'automation-client' });
    expect(classifyUserAgent('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)')).toMatchObject({ kind: 'declared-bot' });
    for (const missing of [undefined, null, '', '   ']) expect(classifyUserAgent(missing)).toEqual({ kind: 'missing' });
    for (const browser of [CHROME, FIREFOX, SAFARI]) expect(classifyUserAgent(browser)).toEqual({ kind: 'other' });
  });

  it('never throws and stays linear on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 5000 }), (text) => {
        expect(['attack-tool', 'headless-browser', 'automation-client', 'declared-bot', 'missing', 'other']).toContain(classifyUserAgent(text).kind);
      }),
    );
    expect(classifyUserAgent('a'.repeat(1_000_000) + 'sqlmap').kind).toBe('other'); // only the first 512 characters are read
  });
});

describe('risk score', () => {
  it('an ordinary browser session scores 0', () => {
    const { detector, time } = setup();
    let last: RiskAssessment | undefined;
    for (const gap of humanGaps) {
      time.now += gap;
      last = detector.observe({ clientIp: '198.51.100.20', userAgent: CHROME, account: 'alice' });
    }
    expect(last).toEqual({ score: 0, reasons: [], reported: false });
  });

  it('an attack tool scores high on its first request', () => {
    const { detector } = setup();
    const assessment = detector.observe({ clientIp: '203.0.113.1', userAgent: 'sqlmap/1.8' });
    expect(assessment.score).toBe(60);
    expect(assessment.reasons).toEqual([{ signal: 'attack-tool', points: 60, detail: 'user agent matches "sqlmap"' }]);
  });

  it('user-agent rotation from one client, but not a household of browsers behind one address', () => {
    const rotating = setup();
    const agents = [CHROME, FIREFOX, SAFARI, `${CHROME} Edg/126.0`, `${FIREFOX} x`, `${SAFARI} y`];
    let last: RiskAssessment | undefined;
    agents.forEach((userAgent, i) => {
      rotating.time.now += humanGaps[i]!;
      last = rotating.detector.observe({ clientIp: '203.0.113.2', userAgent });
    });
    expect(signals(last!)).toEqual(['user-agent-rotation']);
    expect(last!.reasons[0]!.detail).toBe('6 user agents in 6 requests');

    const household = setup();
    for (let i = 0; i < 36; i++) {
      household.time.now += humanGaps[i % humanGaps.length]!;
      last = household.detector.observe({ clientIp: '203.0.113.3', userAgent: [CHROME, FIREFOX, SAFARI, `${CHROME} Edg/126.0`][i % 4] });
    }
    expect(signals(last!)).toEqual([]);
  });

  it('many networks for one account or one session', () => {
    const { detector, time } = setup();
    let account: RiskAssessment | undefined;
    let session: RiskAssessment | undefined;
    for (let i = 0; i < 6; i++) {
      time.now += humanGaps[i]!;
      account = detector.observe({ clientIp: `192.0.2.${i + 1}`, userAgent: CHROME, account: 'victim@example.com' });
      session = detector.observe({ clientIp: `2001:db8:${i}::1`, userAgent: FIREFOX, session: 'session-id-123' });
    }
    expect(account!.reasons).toEqual([{ signal: 'many-ips-per-account', points: 40, detail: '6 client networks within the window' }]);
    expect(signals(session!)).toEqual(['many-ips-per-session']);
    // Addresses of one IPv6 /56 are one network.
    const same = setup();
    for (let i = 0; i < 6; i++) session = same.detector.observe({ clientIp: `2001:db8:0:${i}::1`, userAgent: CHROME, session: 's' });
    expect(signals(session!)).toEqual([]);
  });

  it('unnaturally regular timing', () => {
    const { detector, time } = setup();
    let last: RiskAssessment | undefined;
    for (let i = 0; i < 12; i++) {
      time.now += 2_000 + (i % 2) * 7; // a script on a 2 s timer, a few ms of jitter
      last = detector.observe({ clientIp: '203.0.113.4', userAgent: CHROME });
    }
    expect(last!.reasons).toEqual([expect.objectContaining({ signal: 'regular-timing', points: 40 })]);
  });

  it('forgets what is older than the window', () => {
    const { detector, time } = setup({ windowMs: 60_000 });
    for (let i = 0; i < 6; i++) detector.observe({ clientIp: `192.0.2.${i + 1}`, userAgent: CHROME, account: 'bob' });
    time.now += 61_000;
    expect(detector.observe({ clientIp: '192.0.2.9', userAgent: CHROME, account: 'bob' }).score).toBe(0);
  });

  it('combines signals, capped at 100, strongest first', () => {
    const { detector, time } = setup();
    let last: RiskAssessment | undefined;
    // The account is also tried from five other networks; this client works on a 500 ms timer.
    for (let i = 0; i < 5; i++) detector.observe({ clientIp: `192.0.2.${i + 1}`, userAgent: CHROME, account: 'admin' });
    for (let i = 0; i < 12; i++) {
      time.now += 500;
      last = detector.observe({ clientIp: '203.0.113.30', userAgent: 'sqlmap/1.8', account: 'admin' });
    }
    expect(last!.score).toBe(100);
    expect(last!.reasons.map((r) => [r.signal, r.points])).toEqual([['attack-tool', 60], ['regular-timing', 40], ['many-ips-per-account', 40]]);
  });
});

describe('threshold', () => {
  it('reports once per client per window and feeds a penalty to the ban list', async () => {
    const time = { now: 1_700_000_000_000 };
    const bans = createBanList({ now: () => time.now });
    const events: RateLimitEvent[] = [];
    const detector = createAbuseDetector({ now: () => time.now, threshold: 60, bans, onEvent: (event) => events.push(event) });
    expect(detector.observe({ clientIp: '203.0.113.9', userAgent: 'nikto' }).reported).toBe(true);
    expect(detector.observe({ clientIp: '203.0.113.9', userAgent: 'nikto' }).reported).toBe(false);
    expect(detector.observe({ clientIp: '203.0.113.10', userAgent: CHROME }).reported).toBe(false);
    await new Promise((resolve) => setImmediate(resolve));
    expect(bans.isBanned('203.0.113.9')).toBe(true);
    expect(bans.isBanned('203.0.113.10')).toBe(false);
    expect(events).toEqual([expect.objectContaining({ type: 'malicious_attack_tool', level: 'WARN', clientIp: '203.0.113.9', details: expect.objectContaining({ score: 60 }) })]);
  });
});

describe('bounded memory', () => {
  it('tracks at most maxClients clients and historySize events each', () => {
    const { detector, time } = setup({ maxClients: 2, historySize: 5 });
    const agents = [CHROME, FIREFOX, SAFARI, `${CHROME} a`, `${CHROME} b`];
    for (const [i, userAgent] of agents.entries()) {
      time.now += humanGaps[i]!;
      detector.observe({ clientIp: '203.0.113.20', userAgent });
    }
    detector.observe({ clientIp: '203.0.113.21', userAgent: CHROME });
    detector.observe({ clientIp: '203.0.113.22', userAgent: CHROME }); // the first client is forgotten
    time.now += 1000;
    expect(detector.observe({ clientIp: '203.0.113.20', userAgent: `${FIREFOX} c` }).score).toBe(0);
  });

  it('rejects bad options', () => {
    expect(() => createAbuseDetector({ treshold: 50 } as never)).toThrow(/did you mean "threshold"/);
    expect(() => createAbuseDetector({ thresholds: { timingVariation: 2 } })).toThrow(/between 0 and 1/);
  });
});

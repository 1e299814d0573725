/**
 * createAbuseDetector(): per-client signals over a bounded sliding history, combined into a 0-100
 * risk score with reasons. At or above `threshold` it emits one event per client per window and,
 * with a ban list, counts an offence (progressive bans).
 */

import { checkInteger, checkKeys, fail, isPlainObject } from '../config/check-options.js';
import { subnetKey } from '../http/ip.js';
import { createDenialLog } from '../rate-limit/denial-log.js';
import { hashKey } from '../rate-limit/keys.js';
import type { RateLimitEventSink } from '../rate-limit/types.js';
import { SlidingHistory } from './history.js';
import { manyIpsReason, rotationReason, timingReason, userAgentReason, type RiskReason, type SignalThresholds } from './signals.js';
import { classifyUserAgent } from './user-agents.js';

export interface AbuseDetectorOptions {
  /** How far back the history reaches, in ms. Default 600,000 (10 minutes). */
  windowMs?: number;
  /** Events kept per client, account and session. Default 50. */
  historySize?: number;
  /** Clients (and, separately, accounts and sessions) tracked at once; the least recently seen go first. Default 10,000. */
  maxClients?: number;
  /** Prefix length that groups IPv6 clients. Default 56. */
  ipv6Prefix?: number;
  thresholds?: Partial<SignalThresholds>;
  /** Score (0-100) at which the client is reported and, with `bans`, penalized. Default 80. */
  threshold?: number;
  /** A ban list (createBanList) to count an offence against when the threshold is reached. */
  bans?: { penalize(clientIp: string, reason?: string): Promise<unknown> };
  /** Receives `malicious_attack_tool` when a client reaches the threshold. */
  onEvent?: RateLimitEventSink;
  now?: () => number;
}

export interface AbuseObservation {
  /** The resolved client address (`context.clientIp`). */
  clientIp: string | undefined;
  userAgent?: string | null | undefined;
  /** The account this request acts for (a login name, a user id), when known. */
  account?: string | undefined;
  /** The session id, when there is one. It is hashed before it is kept. */
  session?: string | undefined;
}

export interface RiskAssessment {
  /** 0 (nothing unusual) to 100. */
  readonly score: number;
  /** Strongest first. */
  readonly reasons: readonly RiskReason[];
  /** This observation reached the threshold and was reported (once per client per window). */
  readonly reported: boolean;
}

export interface AbuseDetector {
  /** Records one request and returns the client's risk now. Synchronous. */
  observe(observation: AbuseObservation): RiskAssessment;
}

const KEYS = ['windowMs', 'historySize', 'maxClients', 'ipv6Prefix', 'thresholds', 'threshold', 'bans', 'onEvent', 'now'] as const;
const THRESHOLD_KEYS = ['ipsPerAccount', 'ipsPerSession', 'userAgents', 'timingSamples', 'timingVariation'] as const;
const MAX_KEPT_TEXT = 256;

function thresholdsOf(value: unknown): SignalThresholds {
  const t = (value ?? {}) as Partial<SignalThresholds>;
  checkKeys('abuse.thresholds', t, THRESHOLD_KEYS);
  const variation = t.timingVariation ?? 0.1;
  if (typeof variation !== 'number' || !(variation > 0 && variation < 1)) fail('abuse.thresholds.timingVariation', 'expected a number between 0 and 1');
  return {
    ipsPerAccount: checkInteger('abuse.thresholds.ipsPerAccount', t.ipsPerAccount, 1, 1000) ?? 3,
    ipsPerSession: checkInteger('abuse.thresholds.ipsPerSession', t.ipsPerSession, 1, 1000) ?? 2,
    userAgents: checkInteger('abuse.thresholds.userAgents', t.userAgents, 2, 1000) ?? 4,
    timingSamples: checkInteger('abuse.thresholds.timingSamples', t.timingSamples, 3, 1000) ?? 10,
    timingVariation: variation,
  };
}

/** Long values are hashed, so an id is never kept in full and never long. */
const compact = (text: string): string => (text.length <= 64 ? text : `#${hashKey(text)}`);

export function createAbuseDetector(options: AbuseDetectorOptions = {}): AbuseDetector {
  const raw: unknown = options;
  if (!isPlainObject(raw)) fail('abuse', 'expected an options object');
  checkKeys('abuse', raw, KEYS);
  const windowMs = checkInteger('abuse.windowMs', options.windowMs, 1000, 86_400_000) ?? 600_000;
  const size = checkInteger('abuse.historySize', options.historySize, 3, 1000) ?? 50;
  const maxClients = checkInteger('abuse.maxClients', options.maxClients, 1, 10_000_000) ?? 10_000;
  const ipv6Prefix = checkInteger('abuse.ipv6Prefix', options.ipv6Prefix, 32, 128) ?? 56;
  const threshold = checkInteger('abuse.threshold', options.threshold, 1, 100) ?? 80;
  const thresholds = thresholdsOf(options.thresholds);
  const { bans, onEvent } = options;
  if (bans !== undefined && typeof bans?.penalize !== 'function') fail('abuse.bans', 'expected a ban list from createBanList()');
  if (onEvent !== undefined && typeof onEvent !== 'function') fail('abuse.onEvent', 'expected a function');
  if (options.now !== undefined && typeof options.now !== 'function') fail('abuse.now', 'expected a function');
  const clock = options.now ?? Date.now;

  const clients = new SlidingHistory(size, windowMs, maxClients);
  const accounts = new SlidingHistory(size, windowMs, maxClients);
  const sessions = new SlidingHistory(size, windowMs, maxClients);
  const reports = createDenialLog(maxClients);

  function report(clientIp: string | undefined, subnet: string, score: number, reasons: readonly RiskReason[], now: number): boolean {
    if (reports.firstInPeriod(subnet, now, windowMs) === undefined) return false;
    const summary = reasons.map((r) => r.signal).join(', ');
    try {
      onEvent?.({ type: 'malicious_attack_tool', level: 'WARN', description: `abuse score ${score} (${summary})`, clientIp, details: { score, reasons } });
    } catch {
      // A failing sink must not fail the request.
    }
    if (bans !== undefined && clientIp !== undefined) bans.penalize(clientIp, `abuse score ${score}: ${summary}`).catch(() => undefined);
    return true;
  }

  return {
    observe({ clientIp, userAgent, account, session }) {
      const now = clock();
      const subnet = (typeof clientIp === 'string' ? subnetKey(clientIp, { ipv6Prefix }) : undefined) ?? 'unknown';
      const agent = typeof userAgent === 'string' ? userAgent.slice(0, MAX_KEPT_TEXT) : '';
      const reasons: RiskReason[] = [];
      const add = (reason: RiskReason | undefined): void => void (reason !== undefined && reasons.push(reason));

      add(userAgentReason(classifyUserAgent(userAgent)));
      const requests = clients.record(subnet, { time: now, value: agent });
      add(rotationReason(requests, thresholds));
      add(timingReason(requests, thresholds));
      if (typeof account === 'string' && account !== '') {
        add(manyIpsReason('many-ips-per-account', accounts.record(compact(account), { time: now, value: subnet }), thresholds.ipsPerAccount));
      }
      if (typeof session === 'string' && session !== '') {
        add(manyIpsReason('many-ips-per-session', sessions.record(`#${hashKey(session)}`, { time: now, value: subnet }), thresholds.ipsPerSession));
      }
      reasons.sort((a, b) => b.points - a.points);
      const score = Math.min(100, reasons.reduce((sum, reason) => sum + reason.points, 0));
      const reported = score >= threshold && report(clientIp, subnet, score, reasons, now);
      return { score, reasons, reported };
    },
  };
}

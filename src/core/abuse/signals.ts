/** The signals and how many risk points each adds. Pure functions of one client's recent history. */

import { distinctValues, type HistoryEvent } from './history.js';
import type { UserAgentClass } from './user-agents.js';

export type AbuseSignal =
  | 'attack-tool'
  | 'headless-browser'
  | 'automation-client'
  | 'declared-bot'
  | 'missing-user-agent'
  | 'user-agent-rotation'
  | 'many-ips-per-account'
  | 'many-ips-per-session'
  | 'regular-timing';

export interface RiskReason {
  readonly signal: AbuseSignal;
  /** Points this signal adds to the 0-100 score. */
  readonly points: number;
  /** Short and safe to log: counts and signatures, never header values or ids. */
  readonly detail: string;
}

export interface SignalThresholds {
  /** Distinct client subnets for one account within the window before it counts. Default 3 (the 4th adds points). */
  ipsPerAccount: number;
  /** The same for one session. Default 2 (phones switch between Wi-Fi and mobile data). */
  ipsPerSession: number;
  /** Distinct user agents from one client (at least this many, and at least half its requests). Default 4. */
  userAgents: number;
  /** Requests needed before timing is judged. Default 10. */
  timingSamples: number;
  /** Intervals more regular than this coefficient of variation (stddev / mean) look scripted. Default 0.1. */
  timingVariation: number;
}

const USER_AGENT_POINTS: Readonly<Record<UserAgentClass['kind'], [AbuseSignal, number] | undefined>> = {
  'attack-tool': ['attack-tool', 60],
  'headless-browser': ['headless-browser', 30],
  'automation-client': ['automation-client', 20],
  'declared-bot': ['declared-bot', 10],
  missing: ['missing-user-agent', 25],
  other: undefined,
};

export function userAgentReason(agent: UserAgentClass): RiskReason | undefined {
  const entry = USER_AGENT_POINTS[agent.kind];
  if (entry === undefined) return undefined;
  return { signal: entry[0], points: entry[1], detail: agent.match === undefined ? 'no User-Agent header' : `user agent matches "${agent.match}"` };
}

/** Many agents from one client, in a large share of its requests: one client rotating, not a household behind NAT. */
export function rotationReason(events: readonly HistoryEvent[], thresholds: SignalThresholds): RiskReason | undefined {
  const agents = distinctValues(events);
  if (agents < thresholds.userAgents || agents * 2 < events.length) return undefined;
  return { signal: 'user-agent-rotation', points: Math.min(40, 20 + 5 * (agents - thresholds.userAgents)), detail: `${agents} user agents in ${events.length} requests` };
}

export function manyIpsReason(signal: 'many-ips-per-account' | 'many-ips-per-session', events: readonly HistoryEvent[], allowed: number): RiskReason | undefined {
  const subnets = distinctValues(events);
  if (subnets <= allowed) return undefined;
  return { signal, points: Math.min(50, 20 + 10 * (subnets - allowed - 1)), detail: `${subnets} client networks within the window` };
}

/** Humans pause irregularly; scripts on a timer do not. */
export function timingReason(events: readonly HistoryEvent[], thresholds: SignalThresholds): RiskReason | undefined {
  if (events.length < thresholds.timingSamples) return undefined;
  const intervals: number[] = [];
  for (let i = 1; i < events.length; i++) intervals.push(events[i]!.time - events[i - 1]!.time);
  const mean = intervals.reduce((sum, value) => sum + value, 0) / intervals.length;
  if (mean <= 0) return undefined; // a burst in one millisecond is for rate limits, not this signal
  const variance = intervals.reduce((sum, value) => sum + (value - mean) ** 2, 0) / intervals.length;
  const variation = Math.sqrt(variance) / mean;
  if (variation >= thresholds.timingVariation) return undefined;
  return { signal: 'regular-timing', points: variation < thresholds.timingVariation / 2 ? 40 : 30, detail: `${intervals.length} intervals of ~${Math.round(mean)} ms, variation ${variation.toFixed(3)}` };
}

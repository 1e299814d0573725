/**
 * The tiers the requirements list, as ready-made limit pairs (a short burst limit and a sustained
 * one). Use them as a rule's `limits`:
 *
 *   { name: 'login', path: '/login', methods: ['POST'], limits: RATE_LIMIT_TIERS.auth }
 */

export interface LimitOptions {
  /** Appended to the rule's name in headers and store keys (`login-burst`). */
  name?: string;
  points: number;
  /** Seconds. */
  duration: number;
  algorithm?: 'fixed-window' | 'sliding-window' | 'token-bucket' | 'gcra';
  /** Seconds to refuse the key after a denial (0 = off). */
  blockDuration?: number;
}

type Tier = readonly Readonly<LimitOptions>[];

function tier(burst: number, perMinute: number): Tier {
  return Object.freeze([Object.freeze({ name: 'burst', points: burst, duration: 1 }), Object.freeze({ name: 'minute', points: perMinute, duration: 60 })]);
}

/** auth 10/min + 2/s, expensive 30/min + 5/s, default 60/min + 10/s, admin 200/min + 30/s, global 200/hour. */
export const RATE_LIMIT_TIERS: Readonly<Record<'auth' | 'expensive' | 'default' | 'admin' | 'global', Tier>> = Object.freeze({
  auth: tier(2, 10),
  expensive: tier(5, 30),
  default: tier(10, 60),
  admin: tier(30, 200),
  global: Object.freeze([Object.freeze({ name: 'hour', points: 200, duration: 3600 })]),
});

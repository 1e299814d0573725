/** Request ids: keep a well-formed incoming `X-Request-Id` (so traces join up), otherwise make one. */

import { randomUuid } from '../random/uuid.js';

const WELL_FORMED = /^[A-Za-z0-9._:@=+/-]{8,128}$/;

export function isWellFormedRequestId(value: string): boolean {
  return WELL_FORMED.test(value);
}

export function requestIdFrom(incoming: string | null, trustIncoming: boolean): string {
  if (trustIncoming && incoming !== null && isWellFormedRequestId(incoming)) return incoming;
  return randomUuid();
}

/** The default host resolver for `assertPublicUrl`: the system resolver through node:dns (Node only). */

import { lookup } from 'node:dns/promises';

/** Every address getaddrinfo returns for a host name, IPv4 and IPv6, in the system's order. */
export async function resolveWithSystemDns(hostname: string): Promise<string[]> {
  const answers = await lookup(hostname, { all: true, verbatim: true });
  return answers.map((answer) => answer.address);
}

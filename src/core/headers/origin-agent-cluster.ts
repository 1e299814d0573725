import { enumeratedHeader, type StaticHeader } from './header.js';

/** `?1`: asks for an origin-keyed agent cluster, so same-site pages cannot share a process with this origin. */
export function originAgentCluster(option: boolean | undefined): StaticHeader | undefined {
  return enumeratedHeader('origin-agent-cluster', 'headers.originAgentCluster', option, ['?1'], '?1');
}

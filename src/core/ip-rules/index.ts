/** IP allow and deny lists, configured through `createBulwark({ ipRules, routes, bans })`. */
export type { BanList, IpRulesOptions } from './ip-rules.js';

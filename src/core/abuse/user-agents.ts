/**
 * User-agent classification by plain substring search on the lower-cased header (no regular
 * expressions, so it is linear in the header's length). Order matters: an attack tool that also
 * names its HTTP library is an attack tool.
 */

export type UserAgentKind = 'attack-tool' | 'headless-browser' | 'automation-client' | 'declared-bot' | 'missing' | 'other';

export interface UserAgentClass {
  readonly kind: UserAgentKind;
  /** The signature that matched, e.g. `sqlmap` (never the whole header). */
  readonly match?: string;
}

/** Scanners and attack frameworks that announce themselves. */
const ATTACK_TOOLS = [
  'sqlmap', 'nikto', 'nmap', 'masscan', 'zgrab', 'nuclei', 'hydra', 'ffuf', 'gobuster', 'dirbuster', 'feroxbuster', 'wfuzz',
  'wpscan', 'acunetix', 'netsparker', 'havij', 'w3af', 'openvas', 'nessus', 'zmeu', 'jaeles', 'arachni', 'commix', 'xsstrike',
  'skipfish', 'whatweb', 'burpcollaborator', 'dirb/', 'fimap', 'morfeus', 'webinspect', 'appscan', 'qualys',
] as const;

/** Browsers driven by programs. */
const HEADLESS = ['headlesschrome', 'phantomjs', 'puppeteer', 'playwright', 'selenium', 'webdriver', 'slimerjs', 'htmlunit'] as const;

/** HTTP libraries and command-line clients: fine for APIs, odd for pages meant for people. */
const AUTOMATION = [
  'curl/', 'wget/', 'python-requests', 'python-urllib', 'python-httpx', 'aiohttp', 'httpx/', 'go-http-client', 'okhttp',
  'java/', 'apache-httpclient', 'libwww-perl', 'lwp::', 'node-fetch', 'axios/', 'undici', 'got (', 'ruby', 'scrapy',
  'httpie', 'powershell', 'winhttp', 'guzzlehttp', 'postmanruntime', 'insomnia', 'http.rb', 'restsharp', 'dart:io', 'libcurl',
] as const;

/** Crawlers that say what they are. */
const DECLARED_BOTS = ['bot', 'crawler', 'spider', 'slurp', 'crawl', 'fetcher'] as const;

/** Longest header looked at: signatures sit near the start, and this bounds the work. */
const MAX_SCAN = 512;

function firstMatch(text: string, signatures: readonly string[]): string | undefined {
  for (const signature of signatures) if (text.includes(signature)) return signature;
  return undefined;
}

/** Classifies a `User-Agent` header value. */
export function classifyUserAgent(userAgent: string | null | undefined): UserAgentClass {
  if (typeof userAgent !== 'string' || userAgent.trim() === '') return { kind: 'missing' };
  const text = userAgent.slice(0, MAX_SCAN).toLowerCase();
  const attack = firstMatch(text, ATTACK_TOOLS);
  if (attack !== undefined) return { kind: 'attack-tool', match: attack };
  const headless = firstMatch(text, HEADLESS);
  if (headless !== undefined) return { kind: 'headless-browser', match: headless };
  const automation = firstMatch(text, AUTOMATION);
  if (automation !== undefined) return { kind: 'automation-client', match: automation };
  const bot = firstMatch(text, DECLARED_BOTS);
  if (bot !== undefined) return { kind: 'declared-bot', match: bot };
  return { kind: 'other' };
}

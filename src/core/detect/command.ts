/**
 * OS command injection: shell syntax that only means something to a shell. Command substitution
 * (`$(...)`, back quotes, `${IFS}`), a separator (`;`, `|`, `&`, `&&`, a newline) followed by a
 * command and arguments shaped like a command line, Shellshock's `() {`, SSI `<!--#exec`, and the
 * PHP/Perl functions that hand a string to the shell. "Tom & Jerry" and "salt; cat food" pass:
 * Jerry is not a command, and `cat` with a plain word is prose, while `cat /etc/passwd` is not.
 */

import { CharClass, endsBefore, TextView } from './scan.js';
import type { SecurityLevel } from './types.js';

export interface CommandMatch {
  rule: string;
  index: number;
}

const words = (list: string): ReadonlySet<string> => new Set(list.trim().split(/\s+/));

/** Commands that are rarely English words: any arguments count. */
const STRONG_COMMANDS = words(`whoami uname ifconfig ipconfig netstat nslookup wget curl nc ncat netcat bash zsh ksh csh tcsh dash sh
  powershell pwsh cmd cmd.exe command.com python python3 perl php ruby lua telnet chmod chown chgrp mkfifo base64 xterm systeminfo
  tasklist taskkill certutil bitsadmin iex iwr irm iwmi regsvr32 rundll32 mshta wscript cscript xp_cmdshell hostname passwd useradd usermod crontab
  nohup sudo killall pkill ifup traceroute tracert getent iptables openssl socat wmic schtasks printenv`);
/** Short commands that are a whole command line on their own: `; id`, `| ls`. */
const BARE_COMMANDS = words('id ls pwd dir ver ps env whoami uname');
/** Commands that are also English words: they count with command-line arguments only. */
const WEAK_COMMANDS = words(`cat echo sleep ping type more less head tail rm cp mv touch find grep awk sed sort uniq wc kill who w
  last cd which whereis file stat du df free top tar zip unzip gzip mail ftp tftp net time date timeout start call print system exec
  eval expr test read source alias export dig host route reg sc arp gcc cc id ls pwd dir ps env`);
/** Functions that pass a string to a shell. */
const EXEC_FUNCTIONS = words('system exec passthru shell_exec popen proc_open pcntl_exec eval assert phpinfo create_function');

/** A word's length and first two characters (lower-cased), as a number: no string is built to rule a word out. */
function shape(text: string, start: number, end: number): number {
  const lower = (code: number): number => (code >= 65 && code <= 90 ? code | 0x20 : code);
  return (end - start) * 65536 + lower(text.charCodeAt(start)) * 256 + (end - start > 1 ? lower(text.charCodeAt(start + 1)) : 0);
}

/** The shapes of every command word: a word of another shape is none of them. */
const COMMAND_SHAPES: ReadonlySet<number> = new Set([...STRONG_COMMANDS, ...BARE_COMMANDS, ...WEAK_COMMANDS].map((word) => shape(word, 0, word.length)));

function isSpaceOrQuote(c: string): boolean {
  return c === ' ' || c === '\t' || c === "'" || c === '"' || c === '\\' || c === '^';
}

function isWordChar(code: number): boolean {
  const lower = code | 0x20;
  return (lower >= 97 && lower <= 122) || (code >= 48 && code <= 57) || code === 95 || code === 46 || code === 45;
}

/**
 * The command word at `at` (after optional blanks, quotes, `$IFS`), and where its arguments start.
 * Unless `anyWord`, only a word that may be a known command (`strict` judges every word).
 */
function commandAt(text: string, at: number, anyWord: boolean): { word: string; end: number } | undefined {
  let i = at;
  for (;;) {
    while (i < text.length && isSpaceOrQuote(text.charAt(i))) i++;
    if (text.charCodeAt(i) !== 36 /* $ */) break;
    if (text.startsWith('${IFS}', i)) i += 6;
    else if (text.startsWith('$IFS', i)) i += 4;
    else break;
  }
  let start = i;
  // /bin/sh, /usr/bin/id: a path to a program counts as that program.
  if (text.charAt(i) === '/' || text.startsWith('./', i)) {
    const end = scanWord(text, i, true);
    const path = text.slice(i, end);
    const slash = path.lastIndexOf('/');
    if (/^\.?\/(usr\/)?(local\/)?s?bin\//.test(path)) return { word: path.slice(slash + 1).toLowerCase() || 'sh', end };
    start = i + slash + 1;
    if (slash < 0) return undefined;
  }
  const end = scanWord(text, start, false);
  if (end === start || (!anyWord && !COMMAND_SHAPES.has(shape(text, start, end)))) return undefined;
  return { word: text.slice(start, end).toLowerCase(), end };
}

function scanWord(text: string, from: number, path: boolean): number {
  let i = from;
  while (i < text.length && (isWordChar(text.charCodeAt(i)) || (path && text.charAt(i) === '/'))) i++;
  return i;
}

const ARGUMENT = /^(?:\s+|\$\{?IFS\}?)(\S*)/;
const FILE_EXTENSION = /\.(?:txt|sh|php|ini|conf|log|exe|bat|dll|py|pl|js)$/i;

/** Whether what follows a command reads as a command line: options, paths, variables, numbers. */
function commandLine(text: string, from: number): boolean {
  const rest = text.slice(from, from + 64);
  if (/^\s*(?:[;&`\n<>$]|\|\s*$|%0a)/i.test(rest)) return true;
  const argument = ARGUMENT.exec(rest)?.[1];
  if (!argument) return false;
  const first = argument.charAt(0);
  if (first === '-' || first === '/' || first === '~' || first === '$' || first === "'" || first === '"') return true;
  if (argument.startsWith('./') || argument.startsWith('../') || /^%\w+%/.test(argument)) return true;
  // `sleep 5`, `ping -c 3`: a number as the whole argument.
  if (/^[\d.]+(?:[;|&'"`)]|$)/.test(argument)) return true;
  let end = argument.length;
  while (end > 0 && ";|&'\"`)".includes(argument.charAt(end - 1))) end--;
  return FILE_EXTENSION.test(argument.slice(0, end));
}

const SHELL_GATE = new CharClass(';|&`$\n\r\u2028()<>{}%[', /[;|&`$\n\r\u2028()<>{}%[]/g);
const SEPARATORS = [';', '|', '&', '\n', '\r', '`', '$(', '\u2028', '\\n'];

interface SyntaxRule {
  readonly rule: string;
  /** The rule cannot match without a `$` (looked for once for all of them). */
  readonly dollar?: true;
  /** A cheap test on the lower-cased text (and its view) that must pass before the pattern is worth running. */
  readonly gate: (lower: string, view: TextView) => boolean;
  readonly pattern: RegExp;
}

/**
 * The cmdlet names the PowerShell rule needs, found from the `-` in them (rare in prose, and one
 * native scan away) rather than by a five-way pattern over the whole text.
 */
function powershellGate(t: string, view: TextView): boolean {
  for (let at = t.indexOf('-'); at >= 0; at = t.indexOf('-', at + 1)) {
    // invoke-, new-, start- end in `e`, `w`, `t`; -encodedcommand goes on with `e`.
    const before = t.charCodeAt(at - 1);
    if (before !== 101 && before !== 119 && before !== 116 && t.charCodeAt(at + 1) !== 101) continue;
    if (t.startsWith('invoke', at - 6) || t.startsWith('new-object', at - 3) || t.startsWith('start-process', at - 5) || t.startsWith('encodedcommand', at + 1)) return true;
  }
  for (const at of view.inLower(view.parens, '(')) if (endsBefore(t, at, 'downloadstring')) return true;
  return false;
}

/** The rules, each run on the lower-cased text after a cheap test. */
const SYNTAX: readonly SyntaxRule[] = [
  // $(cmd), $((1+1)), $[1+1], ${IFS}, ${#x}, ${PATH:0:1}, $IFS, <(cmd), >(cmd)
  { rule: 'command-substitution', dollar: true, gate: (t) => t.includes('$('), pattern: /\$\(\s*[(a-z/]/ },
  { rule: 'command-substitution', dollar: true, gate: (t) => t.includes('$[') || t.includes('$ifs') || t.includes('${'), pattern: /\$\[|\$ifs|\$\{\s*(?:ifs|path|home|#)|\$\{[a-z_]+\s*\(|\$\{[a-z_]+:[\d-]/ },
  { rule: 'command-substitution', gate: (t, v) => (v.has('<') && t.includes('<(')) || (v.has('>') && t.includes('>(')), pattern: /(?:^|[\s;|&])[<>]\(\s*[a-z]/ },
  // Log4Shell and friends: `${jndi:ldap://...}` makes a logging library fetch and run code.
  { rule: 'expression-lookup', dollar: true, gate: (t) => t.includes('${'), pattern: /\{\s*(?:jndi|env|sys|java|lower|upper|base64|ctx|main|bundle|date|docker|k8s|spring|web|script)\s*:/ },
  // Globs that spell a path without writing it: /etc/pa[s]swd, /[?]tc/, /bi[n]/bash.
  { rule: 'glob-obfuscation', gate: (_, v) => v.has('[') && v.has('/'), pattern: /\/[\w?*-]*\[[^\]\s/]{1,12}\]/ },
  { rule: 'powershell', gate: powershellGate, pattern: /invoke-(?:webrequest|expression|restmethod|command|item|wmimethod)|new-object\s+(?:system\.)?net\.webclient|downloadstring\s*\(|start-process\s|-encodedcommand\s/ },
  { rule: 'batch-loop', gate: (t, v) => v.has('%') && t.includes('for'), pattern: /%%?\w+\s+in\s*\(/ },
  // Shellshock: a function definition where a variable's value should be.
  { rule: 'shellshock', gate: (t, v) => v.has(')') && t.includes('()'), pattern: /(?:^|[=:'"])\s*\(\)\s*\{/ },
  { rule: 'ssi-directive', gate: (t, v) => v.has('<') && t.includes('<!--'), pattern: /<!--\s*#\s*(?:exec|include|echo|config|set|printenv)/ },
];

/** Looks for command injection in one (already decoded) text. */
export function findCommand(text: string, level: SecurityLevel, view = new TextView(text)): CommandMatch | undefined {
  // Shell syntax needs a metacharacter; only a PowerShell cmdlet name can do without one.
  if (!SHELL_GATE.inView(view) && !(view.has('\\') && text.includes('\\n')) && !/invoke-|new-object|downloadstring|start-process|encodedcommand/i.test(text)) return undefined;
  const { lower } = view;
  const dollar = view.has('$');
  for (const { rule, dollar: needsDollar, gate, pattern } of SYNTAX) {
    if ((needsDollar && !dollar) || !gate(lower, view)) continue;
    const at = lower.search(pattern);
    if (at < 0) continue;
    if (rule === 'glob-obfuscation' && !/\/[\w?*[\]!-]*\//.test(text)) continue;
    // `for %f in (...)`: the loop keyword must come just before the variable.
    if (rule === 'batch-loop' && !/\bfor\b/.test(lower.slice(Math.max(0, at - 30), at))) continue;
    return { rule, index: at };
  }
  for (const separator of SEPARATORS) {
    // An absent separator costs nothing: the view knows (the two-character ones by their first).
    if (!view.has(separator.charAt(0))) continue;
    for (let at = text.indexOf(separator), from = 0; at >= 0; at = text.indexOf(separator, Math.max(at + 1, from))) {
      // A run of separators (`;;`, `||`, `&&&`) is read once, from its end: linear even for a text of pipes.
      from = at + separator.length;
      while (text.charAt(from) === separator || text.charAt(from) === '&' || text.charAt(from) === '|') from++;
      const command = commandAt(text, from, level === 'strict');
      if (!command) continue;
      if (separator === '`' && !(text.indexOf('`', command.end) > 0 && backQuoteInCode(text, at))) continue;
      const strong = (STRONG_COMMANDS.has(command.word) && /^(?:$|[\s;|&`)'"<>$])/.test(text.slice(command.end, command.end + 2))) ||
        (BARE_COMMANDS.has(command.word) && /^\s*(?:$|[;|&`)\n'"<>#])/.test(text.slice(command.end, command.end + 8)));
      const weak = WEAK_COMMANDS.has(command.word) || level === 'strict';
      // Inside back quotes a weak command needs arguments: `TIME` in prose is Markdown, `sleep 5` is not.
      if (strong || (weak && commandLine(text, command.end) && !(separator === '`' && text.charAt(command.end) === '`'))) {
        return { rule: separator === '`' || separator === '$(' ? 'command-substitution' : 'command-chain', index: at };
      }
    }
  }
  const call = findExecCall(lower, view.inLower(view.parens, '('));
  if (call >= 0) return { rule: 'exec-function', index: call };
  if (level === 'strict') {
    const meta = text.search(/[;|`]|&&|\$\(|>\s*\/|<\s*\//);
    if (meta >= 0) return { rule: 'shell-metacharacter', index: meta };
  }
  return undefined;
}

/** A back quote that opens command substitution rather than Markdown code: at the start or after syntax. */
function backQuoteInCode(text: string, at: number): boolean {
  if (at === 0) return true;
  const before = text.charAt(at - 1);
  return !/[\s\w]/.test(before) || (/\s/.test(before) && (at < 2 || !/[\w,.:!?]/.test(text.charAt(at - 2))));
}

/** `system('id')`, `passthru($_GET[x])`, `{${phpinfo()}}`: a string handed to a shell or evaluator. */
function findExecCall(lower: string, parens: readonly number[]): number {
  for (const at of parens) {
    let start = at;
    while (start > 0 && isWordChar(lower.charCodeAt(start - 1)) && lower.charAt(start - 1) !== '.' && lower.charAt(start - 1) !== '-') start--;
    if (start === at) continue;
    const name = lower.slice(start, at).trim();
    if (!EXEC_FUNCTIONS.has(name)) continue;
    const argument = lower.charAt(at + 1);
    const before = start > 0 ? lower.charAt(start - 1) : '';
    if (argument === "'" || argument === '"' || argument === '`' || argument === '$' || lower.startsWith('print(', at + 1) || lower.startsWith(')}', at + 1) || before === '{' || before === '$') {
      return start;
    }
  }
  return -1;
}

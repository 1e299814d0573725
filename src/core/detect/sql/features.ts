/** What the grammar in `grammar.ts` saw in a fragment; the rules in `detect.ts` judge by these. */

export interface Features {
  logic: boolean;
  compare: boolean;
  arith: boolean;
  union: boolean;
  stacked: boolean;
  /** A `--`, `#` or unterminated `/*` comment: the rest of the application's query is cut off. */
  comment: boolean;
  /** ORDER BY, GROUP BY, HAVING, LIMIT, INTO OUTFILE, PROCEDURE ANALYSE, WAITFOR... */
  clause: boolean;
  /** A call to a function SQL knows. */
  call: boolean;
  strongCall: boolean;
  subquery: boolean;
  closeParen: boolean;
  comma: boolean;
  concat: boolean;
  /** The input ends inside a string that the application's closing quote will end. */
  endsOpen: boolean;
  /** The input ends with `;` and nothing after it. */
  endsWithSemicolon: boolean;
  /** A parenthesised group as an operand. */
  group: boolean;
  /** A known SQL function called inside another one's arguments: `ascii(substring(`. */
  nestedCall: boolean;
  /** A comment whose text is more than punctuation: prose after `#` or `--`. */
  wordyComment: boolean;
  /** A number or a literal word (TRUE, NULL) as an operand. */
  literal: boolean;
  /** A bareword (column name, or an English word) as an operand. */
  bareword: boolean;
  /** A string literal as an operand (besides the one the context opened). */
  stringOperand: boolean;
  /** A call to a function from the SQL list (not just any word before a parenthesis). */
  sqlCall: boolean;
  /** A comparison inside the arguments of an SQL function: IF(1=1, ...), IIF(...). */
  callCompare: boolean;
  /** CASE ... WHEN ... THEN ... END, or a CASE WHEN with a comparison. */
  caseWhen: boolean;
  /** PostgreSQL JSON and array operators: `@>`, `<@`, `?|`, `#>>`, `->>`... */
  pgOperator: boolean;
  /** A PostgreSQL cast to a type: `password::int`. */
  typeCast: boolean;
  /** A FROM clause. */
  from: boolean;
  /** The input starts with AND / OR: it extends the application's condition. */
  leadingLogic: boolean;
  /** The input starts with a clause (ORDER BY, HAVING...). */
  leadingClause: boolean;
}

/** All false. */
export function emptyFeatures(): Features {
  return {
    logic: false, compare: false, arith: false, union: false, stacked: false, comment: false, clause: false, call: false,
    strongCall: false, subquery: false, closeParen: false, comma: false, concat: false, endsOpen: false, endsWithSemicolon: false,
    group: false, nestedCall: false, wordyComment: false, literal: false,
    bareword: false, stringOperand: false, sqlCall: false, callCompare: false, caseWhen: false, pgOperator: false, typeCast: false, from: false, leadingLogic: false, leadingClause: false,
  };
}

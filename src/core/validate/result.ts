/** The typed result every plain validator returns, shaped like valibot's `safeParse`. */

export interface ValidationIssue<C extends string = string> {
  /** A stable, machine-readable reason, for example `too_long` or `dangerous_scheme`. */
  readonly code: C;
  /** A short English sentence for logs and developers. It never echoes the whole input. */
  readonly message: string;
}

export type ValidationResult<T, I extends ValidationIssue = ValidationIssue> =
  | { readonly success: true; readonly output: T }
  | { readonly success: false; readonly issues: readonly [I, ...I[]] };

export function valid<T>(output: T): { readonly success: true; readonly output: T } {
  return { success: true, output };
}

export function invalid<C extends string>(code: C, message: string): { readonly success: false; readonly issues: readonly [ValidationIssue<C>] } {
  return { success: false, issues: [{ code, message }] };
}

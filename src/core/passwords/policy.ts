/**
 * Password policy, NIST SP 800-63B by default: length is what counts (15 characters for a password
 * used alone, 8 when a second factor is required), every Unicode character is allowed, text is
 * NFKC-normalized and never truncated, and common or context-specific passwords are refused.
 * Composition rules (upper, lower, digit, special) are available for requirements that demand them.
 *
 *   const policy = createPasswordPolicy({ mfa: true });
 *   const result = await policy.check(password, { userInputs: [email, name] });
 *   if (!result.ok) showErrors(result.issues);
 */

import { checkBoolean, checkInteger, checkKeys, fail, toggle } from '../config/check-options.js';
import { InvalidInputError } from '../errors.js';
import { isWellFormed } from '../store/validate.js';
import { commonPasswords, contextTokens, isCommon } from './common.js';
import { estimatePasswordStrength } from './strength.js';

export interface CompositionRules {
  /** Default 12. */
  minLength?: number;
  upper?: boolean;
  lower?: boolean;
  digit?: boolean;
  /** Anything that is not a letter or a digit. */
  special?: boolean;
}

export interface PasswordPolicyOptions {
  /** A second factor is required: the minimum drops to 8 (NIST). Default false: 15. */
  mfa?: boolean;
  /** Minimum length in characters (code points, after NFKC). Overrides `mfa` and `composition.minLength`. */
  minLength?: number;
  /** Maximum length in characters, 64 to 256. Default 128 (NIST: allow at least 64). */
  maxLength?: number;
  /** `true`: the classic rule (12+ characters with upper, lower, digit and special). Off by default, as NIST advises. */
  composition?: boolean | CompositionRules;
  /** Refuse passwords on the common-password list (also with digits or symbols around them). Default true. */
  blockCommon?: boolean;
  /** Words of your service (its name, domain) that no password may contain. */
  contextWords?: readonly string[];
  /** Minimum strength score (0-100, see `estimatePasswordStrength`). Default 0: off. */
  minStrength?: number;
}

export type PasswordIssueCode =
  | 'too_short'
  | 'too_long'
  | 'malformed'
  | 'common'
  | 'context'
  | 'missing_upper'
  | 'missing_lower'
  | 'missing_digit'
  | 'missing_special'
  | 'weak';

export interface PasswordIssue {
  code: PasswordIssueCode;
  message: string;
}

export interface PasswordPolicyResult {
  ok: boolean;
  /** The password as it must be hashed: NFKC-normalized (`hashPassword` does the same). */
  normalized: string;
  issues: PasswordIssue[];
}

export interface PasswordCheckContext {
  /** The user's own data (username, e-mail, name): no password may contain these words. */
  userInputs?: readonly string[];
}

export interface PasswordPolicy {
  readonly minLength: number;
  readonly maxLength: number;
  check(password: string, context?: PasswordCheckContext): Promise<PasswordPolicyResult>;
}

const KNOWN = ['mfa', 'minLength', 'maxLength', 'composition', 'blockCommon', 'contextWords', 'minStrength'] as const;
const COMPOSITION_KNOWN = ['minLength', 'upper', 'lower', 'digit', 'special'] as const;
const CLASSES = {
  upper: { test: /\p{Lu}/u, code: 'missing_upper', message: 'add an upper-case letter' },
  lower: { test: /\p{Ll}/u, code: 'missing_lower', message: 'add a lower-case letter' },
  digit: { test: /\p{Nd}/u, code: 'missing_digit', message: 'add a digit' },
  special: { test: /[^\p{L}\p{N}]/u, code: 'missing_special', message: 'add a character that is not a letter or digit' },
} as const;

function normalizeOptions(options: PasswordPolicyOptions) {
  checkKeys('passwordPolicy', options, KNOWN);
  const mfa = checkBoolean('passwordPolicy.mfa', options.mfa) ?? false;
  const { enabled: composed, options: rules } = toggle<CompositionRules>('passwordPolicy.composition', options.composition ?? false);
  if (rules) checkKeys('passwordPolicy.composition', rules, COMPOSITION_KNOWN);
  const classes = composed
    ? (Object.keys(CLASSES) as (keyof typeof CLASSES)[]).filter((name) => checkBoolean(`passwordPolicy.composition.${name}`, rules?.[name]) ?? true)
    : [];
  const maxLength = checkInteger('passwordPolicy.maxLength', options.maxLength, 64, 256) ?? 128;
  const composedMin = composed ? (checkInteger('passwordPolicy.composition.minLength', rules?.minLength, 8, maxLength) ?? 12) : undefined;
  const minLength = checkInteger('passwordPolicy.minLength', options.minLength, 8, maxLength) ?? composedMin ?? (mfa ? 8 : 15);
  const contextWords = options.contextWords ?? [];
  if (!Array.isArray(contextWords) || contextWords.some((word) => typeof word !== 'string')) {
    fail('passwordPolicy.contextWords', 'expected an array of strings');
  }
  return {
    minLength,
    maxLength,
    classes,
    blockCommon: checkBoolean('passwordPolicy.blockCommon', options.blockCommon) ?? true,
    contextWords: contextTokens(contextWords),
    minStrength: checkInteger('passwordPolicy.minStrength', options.minStrength, 0, 100) ?? 0,
  };
}

/** Builds a password policy; options are checked here, once. */
export function createPasswordPolicy(options: PasswordPolicyOptions = {}): PasswordPolicy {
  const policy = normalizeOptions(options);
  const { minLength, maxLength } = policy;

  async function check(password: string, context: PasswordCheckContext = {}): Promise<PasswordPolicyResult> {
    if (typeof password !== 'string') throw new InvalidInputError('passwordPolicy: the password must be a string');
    // Longer than 4 units per allowed character cannot pass: do not normalize megabytes.
    if (password.length > maxLength * 4) {
      return { ok: false, normalized: '', issues: [{ code: 'too_long', message: `use at most ${maxLength} characters` }] };
    }
    if (!isWellFormed(password)) {
      return { ok: false, normalized: '', issues: [{ code: 'malformed', message: 'the password contains invalid Unicode' }] };
    }
    const normalized = password.normalize('NFKC');
    const length = [...normalized].length;
    const issues: PasswordIssue[] = [];
    if (length < minLength) issues.push({ code: 'too_short', message: `use at least ${minLength} characters` });
    if (length > maxLength) issues.push({ code: 'too_long', message: `use at most ${maxLength} characters` });
    for (const name of policy.classes) {
      const rule = CLASSES[name];
      if (!rule.test.test(normalized)) issues.push({ code: rule.code, message: rule.message });
    }
    const lowered = normalized.toLowerCase();
    if (policy.blockCommon && isCommon(lowered, await commonPasswords())) {
      issues.push({ code: 'common', message: 'this password is too common; choose another' });
    }
    const userInputs = Array.isArray(context.userInputs) ? context.userInputs : [];
    const contextWords = [...policy.contextWords, ...contextTokens(userInputs)];
    if (contextWords.some((word) => lowered.includes(word))) {
      issues.push({ code: 'context', message: 'do not use your name, e-mail, username or the name of this service' });
    }
    if (policy.minStrength > 0 && length <= maxLength) {
      const strength = await estimatePasswordStrength(normalized, [...userInputs, ...policy.contextWords]);
      if (strength.score < policy.minStrength) {
        const hint = strength.feedback.warning ?? strength.feedback.suggestions[0] ?? 'choose a longer, less predictable password';
        issues.push({ code: 'weak', message: `too easy to guess (${strength.label}): ${hint}` });
      }
    }
    return { ok: issues.length === 0, normalized, issues };
  }

  return { minLength, maxLength, check };
}

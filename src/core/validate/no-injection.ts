/** `noInjection()`: a valibot action that runs the injection detectors on a value (string, array or object). */

import * as v from 'valibot';
import { detectInjection, normalizeDetection, type DetectionOptions } from './detection.js';

export type NoInjectionOptions = DetectionOptions;

/** A valibot check for pipes: fails with one issue naming the kinds found, e.g. `v.pipe(v.string(), noInjection({ level: 'strict' }))`. */
export function noInjection<TInput>(options: NoInjectionOptions = {}): v.RawCheckAction<TInput> {
  const detection = normalizeDetection('noInjection', options);
  return v.rawCheck<TInput>(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const outcome = detectInjection(dataset.value, detection);
    if (!outcome.safe) addIssue({ message: outcome.message, expected: 'no injection', received: outcome.findings.map((f) => `${f.kind} at ${f.path}`).join(', ') || 'uninspectable' });
  });
}

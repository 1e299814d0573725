/**
 * The jsdom window the purifiers run on: one per process (or per worker thread), loaded lazily,
 * replaced after a number of calls or once the heap has grown past a bound since it was made.
 *
 * It also removes jsdom's one retention trap for DOMPurify: every NodeIterator is registered in a
 * WeakRef-based set on its document, and V8 keeps each WeakRef target alive until the current job
 * ends. In a synchronous loop (a batch, `sanitizeObject` over a big array) every parsed document then
 * stays in memory until the loop returns: about 250 KB per 2 KB document. The documents DOMPurify
 * parses get a plain set instead, emptied after each call.
 */

import { createRequire } from 'node:module';
import { getHeapStatistics } from 'node:v8';
import type { DOMPurify } from 'dompurify';
import type { DOMWindow, JSDOM as JSDOMClass } from 'jsdom';
import { ConfigurationError } from '../errors.js';
import { createPurifier, type Purifier } from './purifier.js';
import type { CompiledProfile } from './profiles.js';
import { checkEngineVersions } from './versions.js';

export interface WindowLimits {
  /** Replace the window after this many calls. */
  recycleAfterCalls: number;
  /** Replace the window once the process heap has grown this much since the window was made. */
  recycleAfterHeapGrowthBytes: number;
}

export interface SanitizerStats {
  /** jsdom windows made so far (the first one included). */
  windowsCreated: number;
  /** Calls on the current window. */
  callsOnWindow: number;
  /** Configured DOMPurify instances on the current window (one per profile used). */
  purifiers: number;
}

interface Engine {
  JSDOM: typeof JSDOMClass;
  createDOMPurify: (window: DOMWindow) => DOMPurify;
  implForWrapper: ((wrapper: unknown) => unknown) | undefined;
}

let engine: Engine | undefined;

/** Loads jsdom and DOMPurify on first use (importing bulwark stays cheap) and refuses known-bad versions. */
function loadEngine(): Engine {
  if (engine) return engine;
  const require = createRequire(import.meta.url);
  const createDOMPurify = require('dompurify') as ((window: DOMWindow) => DOMPurify) & { version: string };
  const jsdomVersion = (require('jsdom/package.json') as { version: string }).version;
  const problems = checkEngineVersions({ dompurify: createDOMPurify.version, jsdom: jsdomVersion });
  if (problems.length > 0) {
    const list = problems.map((p) => `${p.package} ${p.version}: ${p.reason}`).join('; ');
    throw new ConfigurationError(`sanitize: refusing to run on a known-bad engine version: ${list}`);
  }
  let implForWrapper: Engine['implForWrapper'];
  try {
    implForWrapper = (require('jsdom/lib/generated/idl/utils.js') as { implForWrapper?: Engine['implForWrapper'] }).implForWrapper;
  } catch {
    implForWrapper = undefined;
  }
  engine = { JSDOM: (require('jsdom') as { JSDOM: typeof JSDOMClass }).JSDOM, createDOMPurify, implForWrapper };
  return engine;
}

interface IteratorRegistry extends Iterable<unknown> {
  add(value: unknown): unknown;
  clear?: () => void;
}
type DocumentImpl = { _workingNodeIterators?: IteratorRegistry };

const HEAP_CHECK_EVERY = 64;
/** Custom profiles used with one window; the oldest purifier is dropped beyond this. */
const MAX_PURIFIERS = 32;

export class EngineHost {
  private window: DOMWindow | undefined;
  private purifiers = new Map<CompiledProfile, Purifier>();
  private touchedDocuments = new Set<DocumentImpl>();
  private calls = 0;
  private heapBaseline = 0;
  /** Windows made so far. */
  windowsCreated = 0;

  constructor(private readonly limits: WindowLimits) {}

  /** Runs `profile` over `html` on the current window, then counts the call and recycles when due. */
  sanitize(html: string, profile: CompiledProfile): string {
    const purifier = this.purifier(profile);
    try {
      return purifier.sanitize(html);
    } finally {
      for (const document of this.touchedDocuments) document._workingNodeIterators?.clear?.();
      this.touchedDocuments.clear();
      this.afterCall();
    }
  }

  stats(): SanitizerStats {
    return { windowsCreated: this.windowsCreated, callsOnWindow: this.window ? this.calls : 0, purifiers: this.purifiers.size };
  }

  /** Drops the window now; the next call makes a fresh one. */
  recycle(): void {
    this.window?.close();
    this.window = undefined;
    this.purifiers.clear();
  }

  private afterCall(): void {
    this.calls++;
    if (this.calls >= this.limits.recycleAfterCalls) this.recycle();
    else if (this.calls % HEAP_CHECK_EVERY === 0 && getHeapStatistics().used_heap_size - this.heapBaseline > this.limits.recycleAfterHeapGrowthBytes) {
      this.recycle();
    }
  }

  private purifier(profile: CompiledProfile): Purifier {
    const window = this.window ?? this.createWindow();
    let purifier = this.purifiers.get(profile);
    if (!purifier) {
      const { createDOMPurify } = loadEngine();
      purifier = createPurifier(createDOMPurify, window, profile);
      if (this.purifiers.size >= MAX_PURIFIERS) this.purifiers.delete(this.purifiers.keys().next().value!);
      this.purifiers.set(profile, purifier);
    }
    return purifier;
  }

  private createWindow(): DOMWindow {
    const { JSDOM, implForWrapper } = loadEngine();
    const window = new JSDOM('<!DOCTYPE html>').window;
    if (implForWrapper) this.useStrongIteratorSets(window, implForWrapper);
    this.window = window;
    this.calls = 0;
    this.windowsCreated++;
    this.heapBaseline = getHeapStatistics().used_heap_size;
    return window;
  }

  /** Swaps the WeakRef-based NodeIterator set of each document DOMPurify walks for a plain Set (see top). */
  private useStrongIteratorSets(window: DOMWindow, implForWrapper: (wrapper: unknown) => unknown): void {
    const prototype = window.Document.prototype as { createNodeIterator: (...args: unknown[]) => unknown };
    const original = prototype.createNodeIterator;
    const touched = this.touchedDocuments;
    prototype.createNodeIterator = function createNodeIterator(this: unknown, ...args: unknown[]) {
      const document = implForWrapper(this) as DocumentImpl | undefined;
      const registry = document?._workingNodeIterators;
      if (document && registry && typeof registry.add === 'function') {
        if (!(registry instanceof Set)) document._workingNodeIterators = new Set(registry);
        touched.add(document);
      }
      return original.apply(this, args);
    };
  }
}

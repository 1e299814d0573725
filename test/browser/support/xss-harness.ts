/**
 * Loads many HTML bodies in real Chromium and reports which ones ran script.
 *
 * A page holds a few dozen sandboxed same-origin iframes ("lanes"). Each lane loads bodies one after
 * the other by rewriting its document (`document.open()`, `write(page)`, `close()`): the body is
 * parsed by Chromium as a whole new page, scripts in it run, and no new frame has to be created
 * (a new frame costs tens of milliseconds in Playwright; a rewrite costs about one).
 *
 * Before any page script runs, an init script in every frame replaces alert, confirm, prompt, print,
 * fetch, XMLHttpRequest, navigator.sendBeacon, window.open, eval and document.write with recorders,
 * and watches the Navigation API for javascript: URLs and script-made location changes (cancelled,
 * so lanes stay put). After each load the harness records what Chromium's parser made of the body
 * (script elements, on* attributes, script URLs), dispatches load, error, focus, mouse, animation and
 * every on* event the body has a handler for, and waits a little for late handlers. No network.
 *
 * The in-page code is plain JavaScript strings, so the test transpiler cannot add helpers to it.
 */

import type { BrowserContext, Page } from 'playwright-core';

const INSTRUMENTATION = String.raw`(() => {
  const push = Array.prototype.push;
  const current = () => {
    let w = window;
    try {
      while (w.__xssCurrent === undefined && w !== w.parent) w = w.parent;
      return w.__xssCurrent === undefined ? 'top' : String(w.__xssCurrent);
    } catch (e) { return 'cross-origin'; }
  };
  let store;
  try { store = window.top.__xssHits || (window.top.__xssHits = []); } catch (e) { store = window.__xssHits = []; }
  const report = (kind) => push.call(store, current() + ' ' + kind);
  const original = { open: Document.prototype.open, write: Document.prototype.write, close: Document.prototype.close };
  const replace = (target, name, kind, passThrough) => {
    try {
      const real = target[name];
      Object.defineProperty(target, name, { configurable: true, writable: true, value: function () {
        report(kind);
        if (passThrough) return real.apply(this, arguments);
        throw new Error('blocked by the XSS harness: ' + kind);
      } });
    } catch (e) {}
  };
  const install = () => {
    for (const name of ['alert', 'confirm', 'prompt', 'print']) replace(window, name, name, false);
    replace(window, 'open', 'window.open', false);
    replace(window, 'fetch', 'fetch', false);
    replace(XMLHttpRequest.prototype, 'open', 'XMLHttpRequest', false);
    replace(XMLHttpRequest.prototype, 'send', 'XMLHttpRequest', false);
    replace(Navigator.prototype, 'sendBeacon', 'sendBeacon', false);
    replace(Document.prototype, 'write', 'document.write', false);
    replace(Document.prototype, 'writeln', 'document.write', false);
    if (window !== window.top) replace(window, 'eval', 'eval', true);
    // Following a link or submitting a form is not script, but it would take the frame away (and a
    // javascript: link returning a string crashes Chromium in a rewritten frame): record the
    // javascript: ones, which do run script, and cancel them all.
    const scriptUrl = (value) => /^javascript:/i.test(String(value).replace(/[\u0000-\u0020]/g, ''));
    window.addEventListener('click', (event) => {
      const link = event.target && event.target.closest ? event.target.closest('a[href], area[href]') : null;
      if (!link) return;
      if (scriptUrl(link.getAttribute('href'))) report('javascript: URL');
      event.preventDefault();
    }, true);
    window.addEventListener('submit', (event) => {
      const submitter = event.submitter;
      const action = submitter && submitter.hasAttribute('formaction') ? submitter.getAttribute('formaction') : event.target.getAttribute('action');
      if (action !== null && scriptUrl(action)) report('javascript: URL');
      event.preventDefault();
    }, true);
  };
  install();
  try {
    navigation.addEventListener('navigate', (event) => {
      const url = event.destination.url;
      if (/^javascript:/i.test(url)) report('javascript: URL');
      else if (!event.sourceElement) report('location change');
      if (event.cancelable) event.preventDefault();
    });
  } catch (e) {}
  // What the harness itself uses to load a body into this frame, out of the payloads' reach by name.
  Object.defineProperty(window, Symbol.for('xss-harness'), { value: { original, install } });
})();`;

/** Runs in the top page: loads bodies[from..to) through the lanes and returns the records. */
const RUN = String.raw`async ({ bodies, wrap, waitMs }) => {
  const URL_ATTRIBUTES = new Set(['href', 'src', 'xlink:href', 'action', 'formaction', 'data', 'background', 'poster', 'lowsrc', 'dynsrc']);
  const GENERIC = ['load', 'error', 'focus', 'focusin', 'blur', 'mouseover', 'mouseenter', 'mousemove', 'mousedown', 'mouseup', 'click',
    'dblclick', 'contextmenu', 'mouseout', 'mouseleave', 'pointerover', 'pointerdown', 'pointerup', 'animationstart', 'animationiteration',
    'animationend', 'transitionend', 'toggle', 'scroll', 'input', 'change', 'keydown'];
  const WINDOW = ['load', 'pageshow', 'hashchange', 'popstate', 'resize', 'scroll', 'focus', 'blur', 'message', 'beforeprint', 'afterprint', 'online', 'error'];
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const eventFor = (win, type) => {
    const init = { bubbles: true, cancelable: true };
    if (/^(mouse|click|dblclick|contextmenu)/.test(type)) return new win.MouseEvent(type, init);
    if (/^pointer/.test(type)) return new win.PointerEvent(type, init);
    if (/^animation/.test(type)) return new win.AnimationEvent(type, init);
    if (/^transition/.test(type)) return new win.TransitionEvent(type, init);
    if (/^(focus|blur)/.test(type)) return new win.FocusEvent(type, init);
    return new win.Event(type, init);
  };
  const parsedScript = {};
  const scan = (doc, index) => {
    const found = [];
    for (const element of doc.querySelectorAll('*')) {
      if (element.localName === 'script') found.push('script element');
      for (const attribute of Array.from(element.attributes)) {
        const name = attribute.name.toLowerCase();
        if (name.startsWith('on')) found.push('handler ' + name);
        const url = attribute.value.replace(/[\u0000-\u0020]/g, '');
        if (URL_ATTRIBUTES.has(name) && /^(javascript|vbscript):/i.test(url)) found.push('script URL in ' + name);
      }
    }
    if (found.length > 0) parsedScript[index] = found;
  };
  const dispatch = (win, doc) => {
    const windowTypes = new Set(WINDOW);
    for (const element of Array.from(doc.querySelectorAll('*'))) {
      const types = new Set(GENERIC);
      for (const attribute of Array.from(element.attributes)) {
        const name = attribute.name.toLowerCase();
        if (!name.startsWith('on')) continue;
        types.add(name.slice(2));
        if (element.localName === 'body' || element.localName === 'frameset') windowTypes.add(name.slice(2));
      }
      for (const type of types) { try { element.dispatchEvent(eventFor(win, type)); } catch (e) {} }
      try { if (typeof element.focus === 'function') element.focus(); } catch (e) {}
    }
    for (const type of windowTypes) { try { win.dispatchEvent(eventFor(win, type)); } catch (e) {} }
  };
  const harnessOf = (lane) => { try { return lane.contentWindow[Symbol.for('xss-harness')]; } catch (e) { return undefined; } };
  // A body that navigated its lane away (or made it cross-origin) leaves it unusable: record that
  // against the body and put a fresh lane in its place.
  const freshLane = async (lane) => {
    const next = document.createElement('iframe');
    next.setAttribute('data-lane', '');
    next.setAttribute('sandbox', lane.getAttribute('sandbox'));
    next.srcdoc = '<!doctype html><title>lane</title>';
    const loaded = new Promise((resolve) => next.addEventListener('load', resolve, { once: true }));
    lane.replaceWith(next);
    await loaded;
    return next;
  };
  const checkLane = async (lane, previous) => {
    const harness = harnessOf(lane);
    if (harness && lane.contentWindow.__xssCurrent === previous) return [lane, harness];
    if (previous !== undefined) navigatedAway.push(previous);
    const next = await freshLane(lane);
    return [next, harnessOf(next)];
  };
  window.__xssHits = window.__xssHits || [];
  const harnessErrors = [];
  const navigatedAway = [];
  let next = 0;
  await Promise.all(Array.from(document.querySelectorAll('iframe[data-lane]')).map(async (initial) => {
    let lane = initial;
    let previous;
    while (next < bodies.length) {
      const index = next++;
      const [at, body] = bodies[index];
      try {
        const [current, harness] = await checkLane(lane, previous);
        lane = current;
        previous = at;
        const win = lane.contentWindow;
        win.__xssCurrent = at;
        const doc = win.document;
        harness.original.open.call(doc);
        // open() drops the window's event listeners; put the recorders back before the body is parsed.
        harness.install();
        harness.original.write.call(doc, wrap ? '<!doctype html><html><head><meta charset="utf-8"></head><body>' + body + '</body></html>' : body);
        harness.original.close.call(doc);
        scan(win.document, at);
        dispatch(win, win.document);
        await sleep(waitMs);
      } catch (e) {
        harnessErrors.push(at + ': ' + e);
      }
    }
    await sleep(waitMs);
    await checkLane(lane, previous);
  }));
  await sleep(waitMs);
  return { hits: Array.from(window.__xssHits || []), parsedScript, harnessErrors, navigatedAway };
}`;

export interface BrowserRun {
  /** Body index -> what ran (each kind once). */
  fired: Map<number, string[]>;
  /** Body index -> script elements, handlers or script URLs in Chromium's parse of the body. */
  parsedScript: Map<number, string[]>;
  /** Records that could not be tied to one body (the top page, cross-origin frames, real dialogs). */
  unattributed: string[];
  /** Bodies whose chunk did not finish even on their own (a renderer crash or an endless loop). */
  hung: number[];
  /** Bodies after which their frame had left (a navigation the harness could not cancel; not script by itself). */
  navigatedAway: number[];
  /** Bodies the harness could not load (should stay empty). */
  harnessErrors: string[];
}

export interface RunOptions {
  /** Put each body inside `<body>` of a page (default) or use it as the whole page. */
  wrapInBody?: boolean;
  lanes?: number;
  /** Bodies per page load; a chunk that does not finish is split until the culprit is alone. */
  chunk?: number;
  /** Wait after each body's events, for timers and async errors. */
  waitMs?: number;
}

/** Cuts the network and instruments every frame of every page in `context`. Call once per context. */
export async function prepareContext(context: BrowserContext): Promise<void> {
  await context.route('**/*', (route) => route.abort());
  await context.addInitScript(INSTRUMENTATION);
}

function lanesPage(count: number): string {
  const lane = '<iframe data-lane sandbox="allow-scripts allow-same-origin allow-forms allow-modals" srcdoc="<!doctype html><title>lane</title>"></iframe>';
  return `<!doctype html><html><head><meta charset="utf-8"></head><body>${lane.repeat(count)}</body></html>`;
}

async function runChunk(context: BrowserContext, items: readonly (readonly [number, string])[], options: Required<RunOptions>, run: BrowserRun): Promise<boolean> {
  let page: Page | undefined;
  try {
    page = await context.newPage();
    page.on('dialog', (dialog) => {
      run.unattributed.push(`dialog ${dialog.type()}`);
      dialog.dismiss().catch(() => {});
    });
    await page.setContent(lanesPage(Math.min(options.lanes, items.length)), { waitUntil: 'load', timeout: 30_000 });
    const budget = 20_000 + items.length * (options.waitMs + 50);
    const evaluation = page.evaluate(`(${RUN})(${JSON.stringify({ bodies: items, wrap: options.wrapInBody, waitMs: options.waitMs })})`);
    const result = (await Promise.race([
      evaluation,
      new Promise((_, reject) => setTimeout(() => reject(new Error('chunk timed out')), budget).unref()),
    ])) as { hits: string[]; parsedScript: Record<string, string[]> };
    for (const hit of result.hits) {
      const space = hit.indexOf(' ');
      const id = hit.slice(0, space);
      const kind = hit.slice(space + 1);
      if (!/^\d+$/.test(id)) {
        run.unattributed.push(`${id}: ${kind}`);
        continue;
      }
      const kinds = run.fired.get(Number(id)) ?? [];
      if (!kinds.includes(kind)) kinds.push(kind);
      run.fired.set(Number(id), kinds);
    }
    for (const [id, findings] of Object.entries(result.parsedScript)) run.parsedScript.set(Number(id), findings);
    return true;
  } catch (error) {
    if (process.env.XSS_DEBUG) console.log('chunk failed:', error);
    return false;
  } finally {
    await page?.close().catch(() => {});
  }
}

/** Loads every body in Chromium and reports what ran. */
export async function runBodies(context: BrowserContext, bodies: readonly string[], options: RunOptions = {}): Promise<BrowserRun> {
  const settings: Required<RunOptions> = { wrapInBody: true, lanes: 24, chunk: 600, waitMs: 40, ...options };
  const run: BrowserRun = { fired: new Map(), parsedScript: new Map(), unattributed: [], hung: [], harnessErrors: [], navigatedAway: [] };
  const all = bodies.map((body, index) => [index, body] as const);
  const pending: (readonly (readonly [number, string])[])[] = [];
  for (let i = 0; i < all.length; i += settings.chunk) pending.push(all.slice(i, i + settings.chunk));
  while (pending.length > 0) {
    const chunk = pending.shift()!;
    if (await runChunk(context, chunk, settings, run)) continue;
    if (chunk.length === 1) run.hung.push(chunk[0]![0]);
    else pending.unshift(chunk.slice(0, chunk.length >> 1), chunk.slice(chunk.length >> 1));
  }
  return run;
}

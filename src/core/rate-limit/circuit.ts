/**
 * Bounded store calls with a circuit breaker, so an outage costs one fast check, not a timeout per
 * request: every call settles within `timeoutMs`; the first failure opens the circuit and calls
 * skip the store for `breakerMs`; then one call probes, and the first answer in time closes it.
 * A client that is not connected (reconnecting, closed) fails at once instead of queueing.
 *
 * Deadlines: every call has the same bound, so deadlines come in start order. They wait in a queue
 * watched by one timer (armed for the oldest open call), instead of a timer per call.
 */

/** What the circuit needs from an ioredis `Redis` or `Cluster`. */
export interface ClientStatus {
  readonly status: string;
  connect(): Promise<void>;
  once(event: 'ready', listener: () => void): unknown;
}

/**
 * One store call and what its outcomes mean. Callers extend this class, so a check allocates one
 * object instead of several closures; the circuit keeps its bookkeeping on it.
 */
export abstract class CircuitCall<R> {
  /** @internal */ declare settled: boolean;
  /** @internal */ declare deadline: number;
  /** @internal */ declare resolve: ((value: R) => void) | undefined;
  /** @internal */ declare retried: boolean;

  /**
   * Set here, not as field initializers: V8 builds a subclass instance (one per store call) about
   * 2.5x slower when its base class has field initializers.
   */
  constructor() {
    this.settled = false;
    this.deadline = 0;
    this.resolve = undefined;
    this.retried = false;
  }

  /** Sends the call. */
  abstract start(): Promise<unknown>;
  /** Reads the answer; throwing (a malformed reply) counts as a failure. */
  abstract answer(reply: unknown): R;
  /** The result when the store failed or did not answer in time. */
  abstract fallback(): R;
  /**
   * After a rejection, a second attempt (a script the server does not hold yet), within the same
   * deadline; undefined for none. Asked at most once per call.
   */
  retry(_error: unknown): Promise<unknown> | undefined {
    return undefined;
  }
}

export interface Circuit {
  /** May this call go to the store? False while open (and while another call probes). Synchronous and cheap. */
  admit(): boolean;
  /** Runs an admitted call within the bound. Never rejects. */
  run<R>(call: CircuitCall<R>): Promise<R>;
  readonly open: boolean;
}

export interface CircuitOptions {
  timeoutMs: number;
  breakerMs: number;
  client: ClientStatus | undefined;
  /** Called when the store goes away (`open` true) and when it answers again. Must not throw. */
  onChange(open: boolean, reason: string): void;
}

interface Outcomes {
  succeeded(): void;
  failed(error: unknown): void;
}

function settle<R>(call: CircuitCall<R>, answer: R, outcomes: Outcomes): void {
  const resolve = call.resolve!;
  call.settled = true;
  call.resolve = undefined;
  outcomes.succeeded();
  resolve(answer);
}

function fail<R>(call: CircuitCall<R>, error: unknown, outcomes: Outcomes): void {
  if (call.settled) return;
  const resolve = call.resolve!;
  call.settled = true;
  call.resolve = undefined;
  outcomes.failed(error);
  resolve(call.fallback());
}

function succeed<R>(call: CircuitCall<R>, reply: unknown, outcomes: Outcomes): void {
  if (call.settled) return; // the deadline won: a late answer is dropped
  let answer: R;
  try {
    answer = call.answer(reply);
  } catch (error) {
    fail(call, error, outcomes);
    return;
  }
  settle(call, answer, outcomes);
}

function reject<R>(call: CircuitCall<R>, error: unknown, outcomes: Outcomes): void {
  if (call.settled) return;
  if (!call.retried) {
    call.retried = true;
    let again: Promise<unknown> | undefined;
    try {
      again = call.retry(error);
    } catch {
      again = undefined;
    }
    if (again !== undefined) {
      watch(call, again, outcomes);
      return;
    }
  }
  fail(call, error, outcomes);
}

function watch<R>(call: CircuitCall<R>, attempt: Promise<unknown>, outcomes: Outcomes): void {
  attempt.then(
    (reply) => succeed(call, reply, outcomes),
    (error: unknown) => reject(call, error, outcomes),
  );
}

/** new Promise() runs its executor at once: one shared executor hands the resolver over, no closure per call. */
let handover: ((value: never) => void) | undefined;
const takeResolver = (resolve: (value: never) => void): void => {
  handover = resolve;
};

const WAITING = new Set(['wait', 'connecting', 'connect']);

function reasonOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 200);
}

export function createCircuit({ timeoutMs, breakerMs, client, onChange }: CircuitOptions): Circuit {
  let open = false;
  let openUntil = 0;
  let probing = false;
  let ready: Promise<void> | undefined;
  const queue: Array<CircuitCall<unknown> | undefined> = [];
  let head = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  /** Undefined when connected; a promise while the first connection is made; throws during an outage. */
  function whenReady(): Promise<void> | undefined {
    if (client === undefined || client.status === 'ready') return undefined;
    if (!WAITING.has(client.status)) throw new Error('the store is not connected');
    if (client.status === 'wait') client.connect().catch(() => undefined);
    ready ??= new Promise<void>((resolve) => {
      client.once('ready', () => {
        ready = undefined;
        resolve();
      });
    });
    return ready;
  }

  function arm(): void {
    if (timer !== undefined) return;
    dropFinished();
    if (head === queue.length) return;
    timer = setTimeout(expireDue, Math.max(0, queue[head]!.deadline - performance.now()));
  }

  function expireDue(): void {
    timer = undefined;
    const now = performance.now();
    for (;;) {
      dropFinished();
      const pending = queue[head];
      if (pending === undefined || pending.deadline > now) break;
      fail(pending, new Error(`the store did not answer within ${timeoutMs} ms`), outcomes);
    }
    arm();
  }

  /**
   * Finished calls at the front leave the queue at once (calls mostly finish in order), and their
   * slots are cleared, so a busy queue that never empties holds no finished call until its timer.
   */
  function dropFinished(): void {
    while (head < queue.length && queue[head]!.settled) queue[head++] = undefined;
    if (head < queue.length) {
      if (head > 1024 && head * 2 > queue.length) {
        queue.splice(0, head);
        head = 0;
      }
      return;
    }
    queue.length = head = 0;
    if (timer !== undefined) {
      clearTimeout(timer); // nothing in flight: no timer should keep the process alive
      timer = undefined;
    }
  }

  const outcomes: Outcomes = {
    succeeded() {
      probing = false;
      dropFinished();
      if (!open) return;
      open = false;
      onChange(false, 'the store answered again');
    },
    failed(error) {
      probing = false;
      dropFinished();
      openUntil = Date.now() + breakerMs;
      if (open) return;
      open = true;
      onChange(true, reasonOf(error));
    },
  };

  return {
    get open() {
      return open;
    },
    admit() {
      if (!open) return true;
      if (probing || Date.now() < openUntil) return false;
      probing = true;
      return true;
    },
    run<R>(call: CircuitCall<R>): Promise<R> {
      const promise = new Promise<R>(takeResolver);
      call.resolve = handover as (value: R) => void;
      handover = undefined;
      call.deadline = performance.now() + timeoutMs;
      let attempt: Promise<unknown>;
      try {
        const waiting = whenReady();
        attempt = waiting === undefined ? call.start() : waiting.then(() => call.start());
      } catch (error) {
        fail(call, error, outcomes);
        return promise;
      }
      queue.push(call as CircuitCall<unknown>);
      arm();
      watch(call, attempt, outcomes);
      return promise;
    },
  };
}

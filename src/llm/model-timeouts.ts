/**
 * Bounds on one streamed model call: no byte for `idleMs` (a provider that accepted the
 * request and went silent), or the whole call longer than `totalMs`. Without them a hung
 * provider keeps a run `running` forever and holds one of the server's run slots.
 *
 * A call that times out before it streamed any content (text, reasoning, tool call) fails with
 * a retryable `timeout` error, so the caller's retry loop sends it again like any provider
 * failure. Once content reached the caller a retry would repeat it: the stream then errors with
 * a final `timeout` error instead.
 */
import { CrewError, ErrorCode } from "../events/index.js";
import { unwatch, watch, type Deadline } from "./deadlines.js";

/** Limits of one model call, in milliseconds. */
export interface ModelTimeouts {
  /** Longest silence between two chunks (and before the first). */
  idleMs: number;
  /** Longest whole call, from sending the request to the last chunk. */
  totalMs: number;
}

/** Environment variable of {@link ModelTimeouts.idleMs}. */
export const MODEL_IDLE_TIMEOUT_ENV = "CREWSTREAM_MODEL_IDLE_TIMEOUT_MS";
/** Environment variable of {@link ModelTimeouts.totalMs}. */
const MODEL_CALL_TIMEOUT_ENV = "CREWSTREAM_MODEL_CALL_TIMEOUT_MS";
/** Defaults: a minute of silence, ten minutes in all. */
const DEFAULT_MODEL_TIMEOUTS: ModelTimeouts = { idleMs: 60_000, totalMs: 600_000 };

function positive(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** The limits from the environment over the defaults, and over those `overrides`. */
export function modelTimeouts(
  overrides: Partial<ModelTimeouts> = {},
  env: NodeJS.ProcessEnv = process.env,
): ModelTimeouts {
  return {
    idleMs:
      overrides.idleMs ?? positive(env[MODEL_IDLE_TIMEOUT_ENV]) ?? DEFAULT_MODEL_TIMEOUTS.idleMs,
    totalMs:
      overrides.totalMs ?? positive(env[MODEL_CALL_TIMEOUT_ENV]) ?? DEFAULT_MODEL_TIMEOUTS.totalMs,
  };
}

/** Chunks a provider sends before any content: a timeout among them is safe to retry. */
const PREAMBLE = new Set([
  "stream-start",
  "response-metadata",
  "text-start",
  "reasoning-start",
  "raw",
]);

/**
 * The two limits of one call; `expired` rejects with the limit that was hit, and `onFire` (when
 * set) is told at once. `touch` runs per chunk, so it only notes the time; the process's one
 * deadline timer ({@link watch}) checks it.
 */
class Watchdog implements Deadline {
  readonly expired: Promise<never>;
  fired: "idle" | "total" | undefined;
  /** Told when a limit is hit, after `expired` rejected. */
  onFire: ((limit: "idle" | "total") => void) | undefined;
  #reject!: (error: Error) => void;
  readonly #totalAt: number;
  #idleAt: number;

  constructor(private readonly limits: ModelTimeouts) {
    this.expired = new Promise<never>((_, reject) => (this.#reject = reject));
    this.expired.catch(() => undefined);
    const now = performance.now();
    this.#totalAt = now + limits.totalMs;
    this.#idleAt = now + limits.idleMs;
    watch(this);
  }

  /** Something arrived: the silence starts again. */
  touch(): void {
    this.#idleAt = performance.now() + this.limits.idleMs;
  }

  stop(): void {
    unwatch(this);
  }

  dueAt(): number {
    return Math.min(this.#idleAt, this.#totalAt);
  }

  /** The limit whose deadline came first is the one hit. */
  expire(): void {
    this.#fire(this.#totalAt <= this.#idleAt ? "total" : "idle");
  }

  #fire(limit: "idle" | "total"): void {
    if (this.fired !== undefined) return;
    this.fired = limit;
    this.stop();
    this.#reject(new Error(limit));
    this.onFire?.(limit);
  }
}

function timeoutError(
  limit: "idle" | "total",
  limits: ModelTimeouts,
  retryable: boolean,
): CrewError {
  const message =
    limit === "idle"
      ? `The model sent nothing for ${limits.idleMs} ms (model idle timeout, ${MODEL_IDLE_TIMEOUT_ENV}).`
      : `The model call took longer than ${limits.totalMs} ms (model call timeout, ${MODEL_CALL_TIMEOUT_ENV}).`;
  return new CrewError(ErrorCode.TIMEOUT, message, { retryable });
}

/** Settles like `promise`, or rejects once the watchdog fires. */
function race<T>(promise: PromiseLike<T>, dog: Watchdog): Promise<T> {
  return Promise.race([promise, dog.expired]);
}

/**
 * Starts a streamed model call under the two limits. `start` gets a signal aborted when a
 * limit is hit (or `signal` aborts); see the file comment for which timeouts are retryable.
 */
export async function withModelTimeouts<
  R extends { stream: ReadableStream<P> },
  P extends { type: string },
>(
  start: (signal: AbortSignal) => PromiseLike<R>,
  limits: ModelTimeouts,
  signal?: AbortSignal,
): Promise<R> {
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(signal?.reason);
  if (signal?.aborted) onAbort();
  signal?.addEventListener("abort", onAbort, { once: true });
  const dog = new Watchdog(limits);
  const finish = (): void => {
    dog.stop();
    signal?.removeEventListener("abort", onAbort);
  };
  const expire = (error: unknown, retryable: boolean): unknown => {
    if (dog.fired === undefined) return error;
    controller.abort();
    return timeoutError(dog.fired, limits, retryable);
  };
  let reader!: ReadableStreamDefaultReader<P>;
  let result!: R;
  const preamble: P[] = [];
  let first!: ReadableStreamReadResult<P>;
  try {
    result = await race(start(controller.signal), dog);
    dog.touch();
    reader = result.stream.getReader();
    for (;;) {
      first = await race(reader.read(), dog);
      dog.touch();
      if (first.done || !PREAMBLE.has(first.value.type)) break;
      preamble.push(first.value);
    }
  } catch (error) {
    finish();
    throw expire(error, true);
  }
  // Once streaming, a chunk is read without racing the watchdog (a race cost a promise and a
  // reaction on `expired` per chunk): a limit hit while a read is pending errors the stream at
  // once, as the race did. One hit while no read is pending (the consumer holding back) is
  // raced from the next read on: chunks already there still come, the first read that has to
  // wait fails.
  let out!: ReadableStreamDefaultController<P>;
  let reading = false;
  let failed = false;
  const fail = (error: unknown): unknown => {
    failed = true;
    finish();
    const final = expire(error, false);
    if (final !== error) reader.cancel(final).catch(() => undefined);
    return final;
  };
  dog.onFire = (limit) => {
    if (reading) out.error(fail(new Error(limit)));
  };
  const stream = new ReadableStream<P>(
    {
      start(controller) {
        out = controller;
        for (const part of preamble) out.enqueue(part);
        if (first.done) {
          finish();
          out.close();
        } else out.enqueue(first.value);
      },
      pull() {
        reading = true;
        const read = reader.read();
        return (dog.fired === undefined ? read : race(read, dog)).then(
          (next) => {
            reading = false;
            if (failed) return;
            dog.touch();
            if (next.done) {
              finish();
              out.close();
            } else out.enqueue(next.value);
          },
          (error: unknown) => {
            reading = false;
            if (failed) return;
            throw fail(error);
          },
        );
      },
      async cancel(reason) {
        finish();
        await reader.cancel(reason);
      },
      // No read-ahead of its own: a chunk is read when the consumer asks and handed straight
      // to its read, never queued here (the consumer's pipes buffer anyway).
    },
    { highWaterMark: 0 },
  );
  return { ...result, stream };
}

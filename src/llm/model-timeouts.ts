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

/** Arms the two timers of one call; `expired` rejects with the limit that was hit. */
class Watchdog {
  readonly expired: Promise<never>;
  #fire!: (limit: "idle" | "total") => void;
  #idle: ReturnType<typeof setTimeout> | undefined;
  readonly #total: ReturnType<typeof setTimeout>;
  fired: "idle" | "total" | undefined;

  constructor(private readonly limits: ModelTimeouts) {
    this.expired = new Promise<never>((_, reject) => {
      this.#fire = (limit) => {
        if (this.fired !== undefined) return;
        this.fired = limit;
        this.stop();
        reject(new Error(limit));
      };
    });
    this.expired.catch(() => undefined);
    this.#total = setTimeout(() => this.#fire("total"), limits.totalMs);
    this.touch();
  }

  /** Something arrived: the silence starts again. */
  touch(): void {
    if (this.fired !== undefined) return;
    // Restarts the one timer: this runs per token, and a new timer each time costs more.
    if (this.#idle === undefined)
      this.#idle = setTimeout(() => this.#fire("idle"), this.limits.idleMs);
    else this.#idle.refresh();
  }

  stop(): void {
    clearTimeout(this.#idle);
    clearTimeout(this.#total);
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
  const stream = new ReadableStream<P>({
    start(out) {
      for (const part of preamble) out.enqueue(part);
      if (first.done) {
        finish();
        out.close();
      } else out.enqueue(first.value);
    },
    async pull(out) {
      try {
        const next = await race(reader.read(), dog);
        dog.touch();
        if (next.done) {
          finish();
          out.close();
        } else out.enqueue(next.value);
      } catch (error) {
        finish();
        const final = expire(error, false);
        if (final !== error) reader.cancel(final).catch(() => undefined);
        throw final;
      }
    },
    async cancel(reason) {
      finish();
      await reader.cancel(reason);
    },
  });
  return { ...result, stream };
}

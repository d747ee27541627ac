/**
 * A rate limiter shared by every run in a process: it keeps model requests per key (a model
 * such as "openai/gpt-4o-mini", or an agent) under a requests-per-minute limit over a sliding
 * 60 s window, and holds a key back after a provider answered 429 with Retry-After.
 */
import { CrewError, ErrorCode } from "../events/index.js";
import { abortError, abortableSleep } from "../util/index.js";

/** Options of one {@link RateLimiterLike.acquire}. */
export interface AcquireOptions {
  /** Most requests per minute for this call (e.g. an agent's `max_rpm`); the stricter of this and the key's limit wins. */
  rpm?: number;
  /** Aborting ends the wait with an AbortError. */
  signal?: AbortSignal;
  /** Called before each wait with its length and why (e.g. "max_rpm 10 reached"), to report it as `llm.retry`. */
  onWait?: (delayMs: number, reason: string) => void;
}

/**
 * What the engine needs from a rate limiter. The in-process {@link RateLimiter} implements it;
 * a store shared by several processes (Redis) can implement it too.
 */
export interface RateLimiterLike {
  /** Resolves when a request for `key` may go out, and counts it. Rejects with an AbortError on abort. */
  acquire(key: string, options?: AcquireOptions): Promise<void>;
  /** Holds every request for `key` back for `retryAfterMs` (after a provider 429). */
  penalize(key: string, retryAfterMs: number): void | Promise<void>;
  /** Sets (or with undefined removes) the requests-per-minute limit of `key`. */
  setLimit(key: string, rpm: number | undefined): void | Promise<void>;
}

/** Options of {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** Current time in ms; injectable for tests. Default `Date.now`. */
  now?: () => number;
  /** Length of the sliding window. Default 60 000 ms. */
  windowMs?: number;
  /** Abortable wait; injectable for tests. Default a timer. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

interface KeyState {
  /** Start times of the requests inside the window, oldest first. */
  times: number[];
  /** No request for the key goes out before this time (provider Retry-After). */
  blockedUntil: number;
}

/** Keeps memory bounded for keys without a limit, which are counted but never wait. */
const MAX_TRACKED = 10_000;

/** In-process sliding-window rate limiter. See {@link RateLimiterLike}. */
export class RateLimiter implements RateLimiterLike {
  readonly #now: () => number;
  readonly #windowMs: number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #limits = new Map<string, number>();
  readonly #keys = new Map<string, KeyState>();

  constructor(options: RateLimiterOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#sleep = options.sleep ?? abortableSleep;
  }

  setLimit(key: string, rpm: number | undefined): void {
    if (rpm === undefined) this.#limits.delete(key);
    else this.#limits.set(key, positive(rpm, "rpm"));
  }

  penalize(key: string, retryAfterMs: number): void {
    const state = this.#state(key);
    state.blockedUntil = Math.max(state.blockedUntil, this.#now() + Math.max(0, retryAfterMs));
  }

  async acquire(key: string, options: AcquireOptions = {}): Promise<void> {
    const limit = stricter(
      options.rpm === undefined ? undefined : positive(options.rpm, "rpm"),
      this.#limits.get(key),
    );
    for (;;) {
      if (options.signal?.aborted) throw abortError(options.signal);
      const { delayMs, reason } = this.#check(key, limit);
      if (delayMs <= 0) return;
      options.onWait?.(delayMs, reason);
      await this.#sleep(delayMs, options.signal);
    }
  }

  /** How many requests for `key` are inside the current window (for tests and diagnostics). */
  inWindow(key: string): number {
    const state = this.#keys.get(key);
    if (!state) return 0;
    this.#prune(state, this.#now());
    return state.times.length;
  }

  /** Either counts a request now (delay 0), or says how long to wait before asking again. */
  #check(key: string, limit: number | undefined): { delayMs: number; reason: string } {
    const now = this.#now();
    const state = this.#state(key);
    this.#prune(state, now);
    if (state.blockedUntil > now) {
      return {
        delayMs: state.blockedUntil - now,
        reason: `rate limited by the provider (429), waiting for Retry-After`,
      };
    }
    const oldest = state.times[0];
    if (limit !== undefined && state.times.length >= limit && oldest !== undefined) {
      return {
        delayMs: Math.max(1, oldest + this.#windowMs - now),
        reason: `max_rpm ${limit} reached`,
      };
    }
    state.times.push(now);
    if (state.times.length > MAX_TRACKED) state.times.shift();
    return { delayMs: 0, reason: "" };
  }

  #prune(state: KeyState, now: number): void {
    const start = now - this.#windowMs;
    let drop = 0;
    while (drop < state.times.length && (state.times[drop] ?? 0) <= start) drop++;
    if (drop > 0) state.times.splice(0, drop);
  }

  #state(key: string): KeyState {
    let state = this.#keys.get(key);
    if (!state) {
      state = { times: [], blockedUntil: 0 };
      this.#keys.set(key, state);
    }
    return state;
  }
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new CrewError(
      ErrorCode.BAD_REQUEST,
      `${name} must be a positive number of requests per minute, got ${value}.`,
    );
  }
  return value;
}

function stricter(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

/** The limiter shared by every run in this process. */
export const sharedRateLimiter: RateLimiter = new RateLimiter();

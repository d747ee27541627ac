/**
 * A {@link RateLimiterLike} shared by every worker: a sliding window per key in a Redis sorted
 * set, checked and counted in one Lua script with Redis's clock, so workers on different
 * machines count the same requests against the same `max_rpm`.
 */
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { CrewError, ErrorCode } from "../events/index.js";
import { type AcquireOptions, type RateLimiterLike } from "../llm/index.js";
import { abortableSleep, abortError } from "../util/index.js";
import type { RedisKeys } from "./redis-keys.js";

/**
 * KEYS: window zset, blocked-until key. ARGV: window ms, limit (-1: none), member.
 * Returns 0 when the request was counted, else ms to wait, negated when the key is blocked by a
 * provider 429.
 */
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local blocked = tonumber(redis.call('GET', KEYS[2]) or '0')
if blocked > now then return -(blocked - now) end
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local limit = tonumber(ARGV[2])
if limit >= 0 and redis.call('ZCARD', KEYS[1]) >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + window - now)
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
return 0
`;

/** KEYS: blocked-until key. ARGV: ms. Holds the key back, never shortening an earlier hold. */
const PENALIZE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untilMs = now + tonumber(ARGV[1])
if untilMs > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], untilMs, 'PX', math.max(1, tonumber(ARGV[1])))
end
return 1
`;

/** Options of {@link RedisRateLimiter}. */
export interface RedisRateLimiterOptions {
  /** Sliding window length (default 60 000 ms). */
  windowMs?: number;
}

/** The Redis rate limiter; see the file comment. Limits set with `setLimit` are per process. */
export class RedisRateLimiter implements RateLimiterLike {
  readonly #limits = new Map<string, number>();
  readonly #windowMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    options: RedisRateLimiterOptions = {},
  ) {
    this.#windowMs = options.windowMs ?? 60_000;
  }

  setLimit(key: string, rpm: number | undefined): void {
    if (rpm === undefined) this.#limits.delete(key);
    else this.#limits.set(key, positive(rpm));
  }

  async penalize(key: string, retryAfterMs: number): Promise<void> {
    await this.redis.eval(PENALIZE, 1, this.keys.rate(`${key}:blocked`), Math.max(0, retryAfterMs));
  }

  async acquire(key: string, options: AcquireOptions = {}): Promise<void> {
    const own = options.rpm === undefined ? undefined : positive(options.rpm);
    const shared = this.#limits.get(key);
    const limit = own === undefined ? shared : shared === undefined ? own : Math.min(own, shared);
    const member = randomUUID();
    for (;;) {
      if (options.signal?.aborted) throw abortError(options.signal);
      const reply = Number(
        await this.redis.eval(
          ACQUIRE,
          2,
          this.keys.rate(key),
          this.keys.rate(`${key}:blocked`),
          this.#windowMs,
          limit === undefined ? -1 : Math.ceil(limit),
          member,
        ),
      );
      if (reply === 0) return;
      const delayMs = Math.abs(reply);
      options.onWait?.(
        delayMs,
        reply < 0
          ? "rate limited by the provider (429), waiting for Retry-After"
          : `max_rpm ${limit} reached`,
      );
      await abortableSleep(delayMs, options.signal);
    }
  }
}

function positive(value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new CrewError(
      ErrorCode.BAD_REQUEST,
      `rpm must be a positive number of requests per minute, got ${value}.`,
    );
  return value;
}

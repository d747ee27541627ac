/** What `worker` and `serve --redis` take from their Redis flags. */
import { CrewError, ErrorCode } from "../events/index.js";
import { nonEmpty } from "./cli-paths.js";

/** The Redis flags as commander parsed them (see `redisFlags`). */
export interface RedisFlags {
  redis?: string;
  redisPrefix?: string;
  stallMs?: number;
  retentionMs?: number;
}

/** Where and how runs are kept in Redis. */
export interface RedisSettings {
  url: string;
  prefix?: string;
  stallMs?: number;
  retentionMs?: number;
}

/** The settings from the flags; throws bad_request (exit 2) without a Redis URL. */
export function redisSettings(flags: RedisFlags): RedisSettings {
  const url = nonEmpty(flags.redis);
  if (url === undefined)
    throw new CrewError(
      ErrorCode.BAD_REQUEST,
      "Pass --redis <url> (or set CREWSTREAM_REDIS_URL), e.g. redis://127.0.0.1:6379.",
    );
  const prefix = nonEmpty(flags.redisPrefix);
  return {
    url,
    ...(prefix === undefined ? {} : { prefix }),
    ...(flags.stallMs === undefined ? {} : { stallMs: flags.stallMs }),
    ...(flags.retentionMs === undefined ? {} : { retentionMs: flags.retentionMs }),
  };
}

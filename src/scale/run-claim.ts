/**
 * A worker claims a run before executing it, atomically: only a `queued` run can be claimed,
 * so a run is executed at most once even if its job is delivered twice. The claim also sets
 * the run's heartbeat, which the worker refreshes while it runs.
 */
import type { Redis } from "ioredis";
import type { RedisKeys } from "./redis-keys.js";

const CLAIM = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {0, 0} end
if redis.call('HGET', KEYS[1], 'status') ~= 'queued' then return {0, 0} end
redis.call('HSET', KEYS[1], 'status', 'running', 'worker', ARGV[1])
redis.call('HSETNX', KEYS[1], 'startedAt', ARGV[3])
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return {1, redis.call('EXISTS', KEYS[3])}
`;

/** The outcome of {@link claimRun}. */
export interface Claim {
  /** False when the run is gone, finished, or already claimed by a worker. */
  claimed: boolean;
  /** A cancel was asked for before the claim. */
  cancelled: boolean;
}

/** Claims `runId` for `workerId`, with a heartbeat valid for `stallMs`. */
export async function claimRun(
  redis: Redis,
  keys: RedisKeys,
  runId: string,
  workerId: string,
  stallMs: number,
): Promise<Claim> {
  const [claimed, cancelled] = (await redis.eval(
    CLAIM,
    3,
    keys.run(runId),
    keys.heartbeat(runId),
    keys.cancel(runId),
    workerId,
    stallMs,
    new Date().toISOString(),
  )) as [number, number];
  return { claimed: claimed === 1, cancelled: cancelled === 1 };
}

/** Refreshes the heartbeat of a run while its worker executes it. */
export async function beat(
  redis: Redis,
  keys: RedisKeys,
  runId: string,
  workerId: string,
  stallMs: number,
): Promise<void> {
  await redis.set(keys.heartbeat(runId), workerId, "PX", stallMs);
}

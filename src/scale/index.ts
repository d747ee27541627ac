/** Scale-out: several servers and workers sharing runs through Redis. */
export {
  RedisRunStore,
  DEFAULT_RETENTION_MS,
  type RedisRunStoreOptions,
  type WaitForEventsOptions,
} from "./redis-store.js";
export { RedisKeys } from "./redis-keys.js";
export { RunQueue, RUN_QUEUE, type RunJob } from "./run-queue.js";
export { RunWorker, type RunWorkerOptions } from "./run-worker.js";
export {
  DistributedRunManager,
  type DistributedRunManagerOptions,
} from "./distributed-run-manager.js";
export {
  startClusterServer,
  type ClusterServerOptions,
  type RunningClusterServer,
} from "./cluster-server.js";
export { RedisRateLimiter, type RedisRateLimiterOptions } from "./redis-rate-limiter.js";
export { sweepStalledRuns, startSweeper, DEFAULT_STALL_MS } from "./run-sweeper.js";
export { followEvents, type FollowOptions } from "./follow-events.js";
export { sendControl, receiveControl, type ControlMessage } from "./control-channel.js";
export { redisGate, redactUrl } from "./redis-gate.js";

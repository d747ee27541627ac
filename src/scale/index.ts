/** Scale-out: several servers and workers sharing runs through Redis. */
export { RedisRunStore } from "./redis-store.js";
export { RunQueue } from "./run-queue.js";
export { RunWorker } from "./run-worker.js";
export { startClusterServer } from "./cluster-server.js";
export { RedisRateLimiter } from "./redis-rate-limiter.js";
export { followEvents } from "./follow-events.js";
export { redactUrl } from "./redis-gate.js";

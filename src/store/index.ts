/** Run persistence: the {@link RunStore} interface and its implementations. */
export type {
  ListRunsOptions,
  ListThreadsOptions,
  NewRun,
  RunPage,
  RunRecord,
  RunStatus,
  RunStore,
  ThreadDeleted,
  ThreadDetails,
  ThreadPage,
  ThreadRecord,
} from "./run-store.js";
export { MemoryRunStore } from "./memory-store.js";
export { DEFAULT_DB_PATH, SqliteRunStore } from "./sqlite-store.js";
// The checks every store makes, for stores implemented elsewhere (the Redis store in src/scale).
export {
  checkAppend,
  isFinished,
  pageLimit,
  parsePageCursor,
  statusPatch,
  type StatusPatch,
} from "./append-check.js";
export type { LongTermMemoryStore } from "./long-term-memory.js";

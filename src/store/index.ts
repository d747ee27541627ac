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
export { DEFAULT_DB_PATH, SqliteRunStore, type SqliteRunStoreOptions } from "./sqlite-store.js";
// The checks every store makes, for stores implemented elsewhere (the Redis store in src/scale).
export {
  checkAppend,
  DEFAULT_PAGE_SIZE,
  isFinished,
  pageLimit,
  parsePageCursor,
  statusPatch,
  type AppendState,
  type StatusPatch,
} from "./append-check.js";
export {
  ftsQuery,
  memoryFor,
  memoryText,
  type LongTermMemoryStore,
  type MemoryStoreEntry,
} from "./long-term-memory.js";
export { SqliteLongTermMemory } from "./sqlite-long-term-memory.js";

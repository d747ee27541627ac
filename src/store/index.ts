/** Run persistence: the {@link RunStore} interface and its implementations. */
export type {
  ListRunsOptions,
  NewRun,
  RunPage,
  RunRecord,
  RunStatus,
  RunStore,
} from "./run-store.js";
export { MemoryRunStore } from "./memory-store.js";
export { DEFAULT_DB_PATH, SqliteRunStore, type SqliteRunStoreOptions } from "./sqlite-store.js";
export { isFinished } from "./append-check.js";

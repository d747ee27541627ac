/**
 * The SQLite store's schema and its migrations. `PRAGMA user_version` holds the number of
 * migrations applied; opening a file runs the missing ones in one transaction, so a file
 * written by an older version is upgraded in place and a newer one is refused.
 */
import type { Database } from "better-sqlite3";
import { CrewError, ErrorCode } from "../events/index.js";

/** Migrations in order; never edit one that has shipped, add a new one. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE runs (
     ord        INTEGER PRIMARY KEY AUTOINCREMENT,
     id         TEXT NOT NULL UNIQUE,
     crew       TEXT NOT NULL,
     status     TEXT NOT NULL,
     inputs     TEXT NOT NULL,
     created_at TEXT NOT NULL,
     started_at TEXT,
     ended_at   TEXT,
     last_seq   INTEGER NOT NULL DEFAULT 0,
     ended      INTEGER NOT NULL DEFAULT 0,
     result     TEXT,
     error      TEXT,
     source     TEXT
   );
   CREATE INDEX runs_by_status ON runs (status, ord);
   CREATE TABLE events (
     run_id TEXT NOT NULL,
     seq    INTEGER NOT NULL,
     type   TEXT NOT NULL,
     data   TEXT NOT NULL,
     PRIMARY KEY (run_id, seq)
   ) WITHOUT ROWID;`,
  `ALTER TABLE runs ADD COLUMN batch_id TEXT;
   ALTER TABLE runs ADD COLUMN timeout_ms INTEGER;
   CREATE INDEX runs_by_batch ON runs (batch_id, ord) WHERE batch_id IS NOT NULL;`,
  // Threads: a run may be a turn of a conversation.
  `ALTER TABLE runs ADD COLUMN thread_id TEXT;
   CREATE INDEX runs_by_thread ON runs (thread_id, ord) WHERE thread_id IS NOT NULL;
   CREATE TABLE threads (
     id         TEXT PRIMARY KEY,
     title      TEXT NOT NULL,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     last_ord   INTEGER NOT NULL
   );
   CREATE INDEX threads_by_activity ON threads (last_ord);`,
  // Long-term memory of crews: full-text search, no embedding model needed.
  `CREATE VIRTUAL TABLE memories USING fts5(
     text, crew UNINDEXED, task UNINDEXED, agent UNINDEXED, summary UNINDEXED,
     inputs UNINDEXED, created_at UNINDEXED
   );`,
  // Events keyed by the run's integer key (runs.ord) instead of its 36-character id, without
  // the type column (the JSON has it). Rows written from now on may hold the JSON without its
  // envelope (see sqlite-event-data.ts); rows copied here keep their whole JSON.
  `CREATE TABLE events_by_run (
     run  INTEGER NOT NULL,
     seq  INTEGER NOT NULL,
     data TEXT NOT NULL,
     PRIMARY KEY (run, seq)
   ) WITHOUT ROWID;
   INSERT INTO events_by_run (run, seq, data)
     SELECT runs.ord, events.seq, events.data FROM events JOIN runs ON runs.id = events.run_id
     ORDER BY runs.ord, events.seq;
   DROP TABLE events;
   ALTER TABLE events_by_run RENAME TO events;`,
  // From here on `runs.last_seq` is written only with `run.start` and `run.end`; readers take a
  // run's last seq from its events. The version step makes an older crewstream, which would
  // read the column as it stands, refuse the file instead.
  `UPDATE runs SET last_seq = COALESCE((SELECT MAX(seq) FROM events WHERE events.run = runs.ord), 0);`,
];

/** Number of migrations this version knows. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the database's schema up to {@link SCHEMA_VERSION}. */
export function migrate(db: Database): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new CrewError(
      ErrorCode.CONFLICT,
      `The database has schema version ${current}, newer than this crewstream (${SCHEMA_VERSION}); upgrade crewstream.`,
    );
  }
  if (current === SCHEMA_VERSION) return;
  db.transaction(() => {
    for (const sql of MIGRATIONS.slice(current)) db.exec(sql);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

/**
 * Prepared statements of {@link SqliteRunStore} and the mapping from rows to records.
 */
import type { Database, Statement } from "better-sqlite3";
import type { ErrorInfo, Inputs } from "../events/index.js";
import type { RunRecord, RunStatus, ThreadRecord } from "./run-store.js";

/** A row of the `runs` table. */
export interface RunRow {
  ord: number;
  id: string;
  crew: string;
  status: RunStatus;
  inputs: string;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  /**
   * The last event's seq, derived from the events by {@link RUN_SELECT}. (The stored
   * `last_seq` column is written only with status changes and is not read.)
   */
  log_seq: number;
  ended: number;
  result: string | null;
  error: string | null;
  source: string | null;
  batch_id: string | null;
  timeout_ms: number | null;
  thread_id: string | null;
}

/** A row of the `threads` table with its run count. */
export interface ThreadRow {
  id: string;
  title: string;
  created_at: string;
  updated_at: string;
  last_ord: number;
  run_count: number;
}

/** What an append needs of its run's row (`last_seq` derived from the events). */
export interface AppendStateRow {
  ord: number;
  last_seq: number;
  ended: number;
  started_at: string | null;
}

/** The store's statements, prepared once per connection. */
export interface Statements {
  insertRun: Statement;
  getRun: Statement;
  runKey: Statement;
  appendState: Statement;
  findRunIds: Statement;
  listRuns: Statement;
  updateRun: Statement;
  insertEvent: Statement;
  /** Inserts {@link EVENTS_PER_INSERT} events: `run, seq, data` of each, one after the other. */
  insertEvents: Statement;
  afterAppend: Statement;
  readEvents: Statement;
  listUnfinished: Statement;
  listBatch: Statement;
  touchThread: Statement;
  listThreads: Statement;
  getThread: Statement;
  threadRuns: Statement;
  renameThread: Statement;
  countThreadEvents: Statement;
  deleteThreadEvents: Statement;
  deleteThreadRuns: Statement;
  deleteThread: Statement;
}

/**
 * Selects `runs` rows with their last seq (`log_seq`) taken from the events themselves (one lookup on the
 * events' primary key), so an append need not rewrite its run's row: only `run.start` and
 * `run.end` do, and a commit writes the event pages alone.
 */
const RUN_SELECT = `SELECT runs.*,
    COALESCE((SELECT MAX(seq) FROM events WHERE events.run = runs.ord), 0) AS log_seq
  FROM runs`;

/** Events written by one call of `insertEvents`. */
export const EVENTS_PER_INSERT = 128;

/** Prepares every statement of the store on `db`. */
export function prepareStatements(db: Database): Statements {
  return {
    insertRun: db.prepare(
      `INSERT OR IGNORE INTO runs
         (id, crew, status, inputs, created_at, source, batch_id, timeout_ms, thread_id)
       VALUES (@id, @crew, @status, @inputs, @created_at, @source, @batch_id, @timeout_ms, @thread_id)`,
    ),
    getRun: db.prepare(`${RUN_SELECT} WHERE id = ?`),
    // The integer key (`ord`) events are stored under.
    runKey: db.prepare(`SELECT ord FROM runs WHERE id = ?`),
    appendState: db.prepare(
      `SELECT ord, ended, started_at,
         COALESCE((SELECT MAX(seq) FROM events WHERE events.run = runs.ord), 0) AS last_seq
       FROM runs WHERE id = ?`,
    ),
    // A range on the unique index of `id` (@upper is the prefix followed by the highest code
    // point); substr() then compares literally, where LIKE or GLOB would read wildcards.
    findRunIds: db.prepare(
      `SELECT id FROM runs WHERE id >= @prefix AND id < @upper
         AND substr(id, 1, length(@prefix)) = @prefix ORDER BY id LIMIT @limit`,
    ),
    listRuns: db.prepare(
      `${RUN_SELECT} WHERE ord < @before AND (@status IS NULL OR status = @status)
       ORDER BY ord DESC LIMIT @limit`,
    ),
    updateRun: db.prepare(
      `UPDATE runs SET status = COALESCE(@status, status), started_at = COALESCE(@started_at, started_at)
       WHERE id = @id`,
    ),
    insertEvent: db.prepare(
      // Positional parameters: this runs once per event, and binding an object costs more.
      `INSERT INTO events (run, seq, data) VALUES (?, ?, ?)`,
    ),
    // A batch goes in chunks of rows per statement: each call into SQLite costs about as much
    // as the row it writes.
    insertEvents: db.prepare(
      `INSERT INTO events (run, seq, data) VALUES ${Array.from({ length: EVENTS_PER_INSERT }, () => "(?, ?, ?)").join(", ")}`,
    ),
    afterAppend: db.prepare(
      `UPDATE runs SET last_seq = @last_seq, ended = MAX(ended, @ended),
         status = COALESCE(@status, status), started_at = COALESCE(started_at, @started_at),
         ended_at = COALESCE(@ended_at, ended_at), result = COALESCE(@result, result),
         error = COALESCE(@error, error)
       WHERE ord = @ord`,
    ),
    readEvents: db.prepare(
      `SELECT seq, data FROM events WHERE run = @run AND seq > @after ORDER BY seq LIMIT @limit`,
    ),
    listUnfinished: db.prepare(`${RUN_SELECT} WHERE status IN ('queued', 'running') ORDER BY ord`),
    listBatch: db.prepare(`${RUN_SELECT} WHERE batch_id = ? ORDER BY ord`),
    touchThread: db.prepare(
      `INSERT INTO threads (id, title, created_at, updated_at, last_ord)
       VALUES (@id, @title, @at, @at, @ord)
       ON CONFLICT (id) DO UPDATE SET updated_at = @at, last_ord = @ord`,
    ),
    listThreads: db.prepare(
      `SELECT t.*, (SELECT COUNT(*) FROM runs r WHERE r.thread_id = t.id) AS run_count
       FROM threads t WHERE last_ord < @before ORDER BY last_ord DESC LIMIT @limit`,
    ),
    getThread: db.prepare(
      `SELECT t.*, (SELECT COUNT(*) FROM runs r WHERE r.thread_id = t.id) AS run_count
       FROM threads t WHERE id = ?`,
    ),
    threadRuns: db.prepare(`${RUN_SELECT} WHERE thread_id = ? ORDER BY ord`),
    renameThread: db.prepare(`UPDATE threads SET title = @title WHERE id = @id`),
    countThreadEvents: db.prepare(
      `SELECT COUNT(*) AS n FROM events WHERE run IN (SELECT ord FROM runs WHERE thread_id = ?)`,
    ),
    deleteThreadEvents: db.prepare(
      `DELETE FROM events WHERE run IN (SELECT ord FROM runs WHERE thread_id = ?)`,
    ),
    deleteThreadRuns: db.prepare(`DELETE FROM runs WHERE thread_id = ?`),
    deleteThread: db.prepare(`DELETE FROM threads WHERE id = ?`),
  };
}

/** Turns a `runs` row into a {@link RunRecord}, leaving out empty optional fields. */
export function rowToRecord(row: RunRow): RunRecord {
  const record: RunRecord = {
    id: row.id,
    crew: row.crew,
    status: row.status,
    inputs: JSON.parse(row.inputs) as Inputs,
    createdAt: row.created_at,
    lastSeq: row.log_seq,
  };
  if (row.started_at !== null) record.startedAt = row.started_at;
  if (row.ended_at !== null) record.endedAt = row.ended_at;
  if (row.result !== null) record.result = row.result;
  if (row.error !== null) record.error = JSON.parse(row.error) as ErrorInfo;
  if (row.source !== null) record.source = row.source;
  if (row.batch_id !== null) record.batchId = row.batch_id;
  if (row.timeout_ms !== null) record.timeoutMs = row.timeout_ms;
  if (row.thread_id !== null) record.threadId = row.thread_id;
  return record;
}

/** Turns a `threads` row into a {@link ThreadRecord}. */
export function rowToThread(row: ThreadRow): ThreadRecord {
  return {
    threadId: row.id,
    title: row.title,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    runCount: row.run_count,
  };
}

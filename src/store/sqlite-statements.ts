/**
 * Prepared statements of {@link SqliteRunStore} and the mapping from rows to records.
 */
import type { Database, Statement } from "better-sqlite3";
import type { ErrorInfo, Inputs } from "../events/index.js";
import type { RunRecord, RunStatus } from "./run-store.js";

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
  last_seq: number;
  ended: number;
  result: string | null;
  error: string | null;
  source: string | null;
  batch_id: string | null;
  timeout_ms: number | null;
}

/** The store's statements, prepared once per connection. */
export interface Statements {
  insertRun: Statement;
  getRun: Statement;
  runExists: Statement;
  findRunIds: Statement;
  listRuns: Statement;
  updateRun: Statement;
  insertEvent: Statement;
  afterAppend: Statement;
  readEvents: Statement;
  listUnfinished: Statement;
  listBatch: Statement;
}

/** Prepares every statement of the store on `db`. */
export function prepareStatements(db: Database): Statements {
  return {
    insertRun: db.prepare(
      `INSERT OR IGNORE INTO runs (id, crew, status, inputs, created_at, source, batch_id, timeout_ms)
       VALUES (@id, @crew, @status, @inputs, @created_at, @source, @batch_id, @timeout_ms)`,
    ),
    getRun: db.prepare(`SELECT * FROM runs WHERE id = ?`),
    runExists: db.prepare(`SELECT 1 FROM runs WHERE id = ?`),
    // A range on the unique index of `id` (@upper is the prefix followed by the highest code
    // point); substr() then compares literally, where LIKE or GLOB would read wildcards.
    findRunIds: db.prepare(
      `SELECT id FROM runs WHERE id >= @prefix AND id < @upper
         AND substr(id, 1, length(@prefix)) = @prefix ORDER BY id LIMIT @limit`,
    ),
    listRuns: db.prepare(
      `SELECT * FROM runs WHERE ord < @before AND (@status IS NULL OR status = @status)
       ORDER BY ord DESC LIMIT @limit`,
    ),
    updateRun: db.prepare(
      `UPDATE runs SET status = COALESCE(@status, status), started_at = COALESCE(@started_at, started_at)
       WHERE id = @id`,
    ),
    insertEvent: db.prepare(
      // Positional parameters: this runs once per event, and binding an object costs more.
      `INSERT INTO events (run_id, seq, type, data) VALUES (?, ?, ?, ?)`,
    ),
    afterAppend: db.prepare(
      `UPDATE runs SET last_seq = @last_seq, ended = MAX(ended, @ended),
         status = COALESCE(@status, status), started_at = COALESCE(started_at, @started_at),
         ended_at = COALESCE(@ended_at, ended_at), result = COALESCE(@result, result),
         error = COALESCE(@error, error)
       WHERE id = @id`,
    ),
    readEvents: db.prepare(
      `SELECT data FROM events WHERE run_id = @run_id AND seq > @after ORDER BY seq LIMIT @limit`,
    ),
    listUnfinished: db.prepare(
      `SELECT * FROM runs WHERE status IN ('queued', 'running') ORDER BY ord`,
    ),
    listBatch: db.prepare(`SELECT * FROM runs WHERE batch_id = ? ORDER BY ord`),
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
    lastSeq: row.last_seq,
  };
  if (row.started_at !== null) record.startedAt = row.started_at;
  if (row.ended_at !== null) record.endedAt = row.ended_at;
  if (row.result !== null) record.result = row.result;
  if (row.error !== null) record.error = JSON.parse(row.error) as ErrorInfo;
  if (row.source !== null) record.source = row.source;
  if (row.batch_id !== null) record.batchId = row.batch_id;
  if (row.timeout_ms !== null) record.timeoutMs = row.timeout_ms;
  return record;
}

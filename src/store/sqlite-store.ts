/**
 * The embedded default {@link RunStore}: one SQLite file (WAL, `synchronous=NORMAL`).
 *
 * Appends are group-committed: appends made close together are written in a single
 * transaction, and each call's promise resolves only after that transaction commits. The
 * commit policy bounds latency, not only batches. An append after a quiet spell (no append for
 * `maxDelayMs`) is committed at once, inside the call, so a run's first event and first token
 * are not held back. While appends keep coming, the first pending one starts a `maxDelayMs`
 * timer, and an append that finds the oldest pending one `maxDelayMs` old, or `maxBatchEvents`
 * events pending, commits at once: a paced stream (a token a millisecond) shares transactions
 * instead of paying one per event, a burst parsed in one long turn is committed in bounded
 * chunks as it arrives, and under load each transaction takes whatever arrived meanwhile. An
 * append ending a task or the run commits at once: its producer pauses or stops there. Each
 * append is checked (gapless seq, right run, nothing after `run.end`)
 * inside the transaction and in its own savepoint, so one bad append is rejected without taking
 * the others of its batch down.
 */
import { mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import {
  batchJson,
  CrewError,
  ErrorCode,
  threadTitleFrom,
  type CrewEvent,
} from "../events/index.js";
import { acquireDbLock, type DbLock } from "./db-lock.js";
import { EventPageCache } from "./event-page-cache.js";
import { checkAppend, pageLimit, parsePageCursor, statusPatch } from "./append-check.js";
import type {
  ListRunsOptions,
  ListThreadsOptions,
  NewRun,
  RunPage,
  RunRecord,
  RunStore,
  ThreadDeleted,
  ThreadDetails,
  ThreadPage,
  ThreadRecord,
} from "./run-store.js";
import { envelopeOf, fromEventData, toEventData } from "./sqlite-event-data.js";
import { migrate } from "./sqlite-schema.js";
import { SqliteLongTermMemory } from "./sqlite-long-term-memory.js";
import {
  EVENTS_PER_INSERT,
  prepareStatements,
  type AppendStateRow,
  rowToRecord,
  rowToThread,
  type RunRow,
  type ThreadRow,
  type Statements,
} from "./sqlite-statements.js";

/** Where the database lives when no path is given. */
export const DEFAULT_DB_PATH = ".crewstream/crewstream.db";

/** Options of {@link SqliteRunStore}. */
export interface SqliteRunStoreOptions {
  /** Database file (created with its folder); `":memory:"` for a private in-memory database. */
  path?: string;
  /** Longest an append waits for others to share its transaction, in ms (default 2). */
  maxDelayMs?: number;
  /** Commit at once when this many events are pending (default 256). */
  maxBatchEvents?: number;
  /** Milliseconds clock for `maxDelayMs`; tests give a fake one. */
  now?: () => number;
  /**
   * Hold an exclusive lock on the file (`<path>.lock`) while open, for the one process that
   * writes it (a server); a second one then refuses to open it. Readers leave it false.
   */
  lock?: boolean;
}

/** Why SQLite could not open a file, in words that say what to check. */
function openFailure(path: string, error: unknown): CrewError {
  if (CrewError.is(error)) return error;
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  const reason =
    code === "SQLITE_NOTADB"
      ? "it is not a SQLite database (another kind of file, or damaged)"
      : code === "SQLITE_CORRUPT"
        ? "the database is corrupt"
        : typeof code === "string" && code.startsWith("SQLITE_READONLY")
          ? "it is read-only (check the permissions of the file and its folder)"
          : code === "SQLITE_CANTOPEN"
            ? "it cannot be opened (check that its folder exists and is writable)"
            : code === "SQLITE_FULL"
              ? "the disk is full"
              : code === "EACCES" || code === "EPERM" || code === "EROFS"
                ? "permission denied or read-only file system"
                : code === "ENOTDIR" || code === "EEXIST"
                  ? "part of the path is a file, not a folder"
                  : message;
  return new CrewError(ErrorCode.STORE_ERROR, `Cannot open the database ${path}: ${reason}.`, {
    cause: error,
  });
}

/**
 * True when the events end a task or the run: their producer pauses there (the next agent's
 * model call) or stops, so nothing is gained by waiting for more.
 */
function pausesAfter(events: readonly CrewEvent[]): boolean {
  const last = events[events.length - 1];
  return last !== undefined && (last.type === "task.end" || last.type === "run.end");
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** What an append is checked against and writes with; kept in memory while a run is live. */
interface AppendState {
  ord: number;
  lastSeq: number;
  ended: boolean;
  startedAt: string | undefined;
}

interface PendingAppend {
  runId: string;
  events: readonly CrewEvent[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** {@link RunStore} on a SQLite file through better-sqlite3. */
export class SqliteRunStore implements RunStore {
  /** Absolute path of the database file (or `":memory:"`). */
  readonly path: string;
  /** Long-term memory of crews, in the same file. */
  readonly memory: SqliteLongTermMemory;
  readonly #db: Database.Database;
  readonly #sql: Statements;
  readonly #lock: DbLock | undefined;
  /** Parsed events shared by every reader of a run (see EventPageCache). */
  readonly #pages = new EventPageCache();
  readonly #maxDelayMs: number;
  readonly #maxBatchEvents: number;
  readonly #now: () => number;
  #pending: PendingAppend[] = [];
  #pendingEvents = 0;
  /** When the oldest pending append was made, and when the last append was. */
  #pendingSince = 0;
  #lastAppendAt = -Infinity;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  /** Append states of live runs as of the last commit (dropped at `run.end`). */
  readonly #appendStates = new Map<string, AppendState>();
  /** Append states the transaction being written changes; kept only if it commits. */
  readonly #staged = new Map<string, AppendState>();
  /** Transaction functions, made once: better-sqlite3 builds a wrapper per `transaction()`. */
  readonly #commitBatch: (batch: readonly PendingAppend[], outcomes: unknown[]) => void;
  readonly #writeInSavepoint: (runId: string, events: readonly CrewEvent[]) => void;
  readonly #insertRun: (run: NewRun, createdAt: string, inputs: string) => void;
  /** The parameters of one `insertEvents` call, reused. */
  readonly #chunk: (number | string)[] = new Array<number | string>(3 * EVENTS_PER_INSERT);

  constructor(options: SqliteRunStoreOptions = {}) {
    const path = options.path ?? DEFAULT_DB_PATH;
    this.path = path === ":memory:" ? path : resolve(path);
    this.#maxDelayMs = options.maxDelayMs ?? 2;
    this.#maxBatchEvents = options.maxBatchEvents ?? 256;
    this.#now = options.now ?? (() => performance.now());
    const file = this.path !== ":memory:";
    let lock: DbLock | undefined;
    let db: Database.Database | undefined;
    // Every way opening can fail (a folder, a read-only or damaged file, a lock held by a live
    // server) becomes one store_error naming the path and the cause, not a stack trace.
    try {
      if (file) {
        if (isFolder(this.path))
          throw new CrewError(
            ErrorCode.STORE_ERROR,
            `Cannot open the database ${this.path}: it is a folder; give the path of a file in it.`,
          );
        mkdirSync(dirname(this.path), { recursive: true });
      }
      // Locked before the file is opened, so nothing of it is read or recovered meanwhile.
      if (file && options.lock) lock = acquireDbLock(this.path);
      db = new Database(this.path);
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
      db.pragma("busy_timeout = 5000");
      migrate(db);
      this.#sql = prepareStatements(db);
    } catch (error) {
      db?.close();
      lock?.release();
      throw openFailure(this.path, error);
    }
    this.#db = db;
    this.#lock = lock;
    const batchTransaction = db.transaction(
      (batch: readonly PendingAppend[], outcomes: unknown[]) => this.#writeBatch(batch, outcomes),
    );
    this.#commitBatch = (batch, outcomes) => batchTransaction.immediate(batch, outcomes);
    const runTransaction = db.transaction((run: NewRun, createdAt: string, inputs: string) =>
      this.#writeRun(run, createdAt, inputs),
    );
    this.#insertRun = (run, createdAt, inputs) => runTransaction.immediate(run, createdAt, inputs);
    // Called inside the batch's transaction, this one is a savepoint.
    this.#writeInSavepoint = db.transaction((runId: string, events: readonly CrewEvent[]) =>
      this.#write(runId, events),
    );
    this.memory = new SqliteLongTermMemory(db);
  }

  async createRun(run: NewRun): Promise<RunRecord> {
    this.#assertOpen();
    const createdAt = new Date().toISOString();
    const inputs = JSON.stringify(run.inputs);
    this.#insertRun(run, createdAt, inputs);
    // The row as written, without reading it back.
    return rowToRecord({
      ord: 0,
      id: run.id,
      crew: run.crew,
      status: run.status,
      inputs,
      created_at: createdAt,
      started_at: null,
      ended_at: null,
      log_seq: 0,
      ended: 0,
      result: null,
      error: null,
      source: run.source ?? null,
      batch_id: run.batchId ?? null,
      timeout_ms: run.timeoutMs ?? null,
      thread_id: run.threadId ?? null,
    });
  }

  /** The body of `createRun`'s transaction (made once: see the constructor). */
  #writeRun(run: NewRun, createdAt: string, inputs: string): void {
    const info = this.#sql.insertRun.run({
      id: run.id,
      crew: run.crew,
      status: run.status,
      inputs,
      created_at: createdAt,
      source: run.source ?? null,
      batch_id: run.batchId ?? null,
      timeout_ms: run.timeoutMs ?? null,
      thread_id: run.threadId ?? null,
    });
    if (info.changes === 0)
      throw new CrewError(ErrorCode.CONFLICT, `A run with id "${run.id}" already exists.`);
    if (run.threadId !== undefined) {
      this.#sql.touchThread.run({
        id: run.threadId,
        title: threadTitleFrom(run.inputs),
        at: createdAt,
        ord: info.lastInsertRowid,
      });
    }
  }

  async listBatch(batchId: string): Promise<RunRecord[]> {
    this.#assertOpen();
    return (this.#sql.listBatch.all(batchId) as RunRow[]).map(rowToRecord);
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    this.#assertOpen();
    return this.#get(id);
  }

  async findRunIds(prefix: string, limit: number): Promise<string[]> {
    this.#assertOpen();
    const rows = this.#sql.findRunIds.all({ prefix, upper: `${prefix}\u{10ffff}`, limit }) as {
      id: string;
    }[];
    return rows.map((row) => row.id);
  }

  async listRuns(options: ListRunsOptions = {}): Promise<RunPage> {
    this.#assertOpen();
    const limit = pageLimit(options.limit);
    const before = parsePageCursor(options.before);
    const params = { before, limit: limit + 1, status: options.status ?? null };
    const rows = this.#sql.listRuns.all(params) as RunRow[];
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      runs: page.map(rowToRecord),
      ...(rows.length > limit && last ? { nextCursor: String(last.ord) } : {}),
    };
  }

  async updateRun(
    id: string,
    patch: Partial<Pick<RunRecord, "status" | "startedAt">>,
  ): Promise<void> {
    this.#assertOpen();
    const info = this.#sql.updateRun.run({
      id,
      status: patch.status ?? null,
      started_at: patch.startedAt ?? null,
    });
    if (info.changes === 0) throw new CrewError(ErrorCode.RUN_NOT_FOUND, `No run with id "${id}".`);
  }

  appendEvents(runId: string, events: readonly CrewEvent[]): Promise<void> {
    if (this.#closed)
      return Promise.reject(new CrewError(ErrorCode.CONFLICT, "The run store is closed."));
    return new Promise((resolve, reject) => {
      const now = this.#now();
      const quiet = now - this.#lastAppendAt >= this.#maxDelayMs;
      this.#lastAppendAt = now;
      if (this.#pending.length === 0) {
        this.#pendingSince = now;
        if (!quiet) this.#timer = setTimeout(() => this.#flush(), this.#maxDelayMs);
      }
      this.#pending.push({ runId, events, resolve, reject });
      this.#pendingEvents += events.length;
      if (
        quiet ||
        this.#pendingEvents >= this.#maxBatchEvents ||
        now - this.#pendingSince >= this.#maxDelayMs ||
        pausesAfter(events)
      )
        this.#flush();
    });
  }

  async readEvents(runId: string, after: number, limit = -1): Promise<CrewEvent[]> {
    this.#assertOpen();
    const key = this.#sql.runKey.get(runId) as { ord: number } | undefined;
    if (!key) throw new CrewError(ErrorCode.RUN_NOT_FOUND, `No run with id "${runId}".`);
    const envelope = envelopeOf(runId);
    return this.#pages.read(runId, after, limit, (from, count) =>
      (
        this.#sql.readEvents.all({ run: key.ord, after: from, limit: count }) as {
          seq: number;
          data: string;
        }[]
      ).map((row) => fromEventData(envelope, row.seq, row.data)),
    );
  }

  async listUnfinished(): Promise<RunRecord[]> {
    this.#assertOpen();
    return (this.#sql.listUnfinished.all() as RunRow[]).map(rowToRecord);
  }

  async listThreads(options: ListThreadsOptions = {}): Promise<ThreadPage> {
    this.#assertOpen();
    const limit = pageLimit(options.limit);
    const before = parsePageCursor(options.before);
    const rows = this.#sql.listThreads.all({ before, limit: limit + 1 }) as ThreadRow[];
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      threads: page.map(rowToThread),
      ...(rows.length > limit && last ? { nextCursor: String(last.last_ord) } : {}),
    };
  }

  async getThread(id: string): Promise<ThreadDetails | undefined> {
    this.#assertOpen();
    const row = this.#sql.getThread.get(id) as ThreadRow | undefined;
    if (!row) return undefined;
    const runs = (this.#sql.threadRuns.all(id) as RunRow[]).map(rowToRecord);
    return { ...rowToThread(row), runs };
  }

  async renameThread(id: string, title: string): Promise<ThreadRecord> {
    this.#assertOpen();
    const info = this.#sql.renameThread.run({ id, title });
    if (info.changes === 0) throw new CrewError(ErrorCode.NOT_FOUND, `No thread with id "${id}".`);
    return rowToThread(this.#sql.getThread.get(id) as ThreadRow);
  }

  async deleteThread(id: string): Promise<ThreadDeleted> {
    this.#assertOpen();
    // Appends still pending for its runs are written (or refused) before the runs go.
    this.#flush();
    const deleted = this.#db
      .transaction((): ThreadDeleted & { runIds: string[] } => {
        if (!this.#sql.getThread.get(id))
          throw new CrewError(ErrorCode.NOT_FOUND, `No thread with id "${id}".`);
        const runIds = (this.#sql.threadRuns.all(id) as RunRow[]).map((row) => row.id);
        const { n } = this.#sql.countThreadEvents.get(id) as { n: number };
        this.#sql.deleteThreadEvents.run(id);
        const runs = this.#sql.deleteThreadRuns.run(id).changes;
        this.#sql.deleteThread.run(id);
        return { threadId: id, deletedRuns: runs, deletedEvents: n, runIds };
      })
      .immediate();
    // Parsed pages of the deleted runs would otherwise stay cached.
    for (const runId of deleted.runIds) {
      this.#pages.forget(runId);
      this.#appendStates.delete(runId);
    }
    return { threadId: id, deletedRuns: deleted.deletedRuns, deletedEvents: deleted.deletedEvents };
  }

  /** Writes pending appends, then closes the file. Later calls reject. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#flush();
    this.#closed = true;
    this.#db.close();
    this.#lock?.release();
  }

  #get(id: string): RunRecord | undefined {
    const row = this.#sql.getRun.get(id) as RunRow | undefined;
    return row && rowToRecord(row);
  }

  /** Writes every pending append in one transaction; settles their promises after commit. */
  #flush(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#pending;
    this.#pending = [];
    this.#pendingEvents = 0;
    if (batch.length === 0) return;
    const outcomes: unknown[] = [];
    try {
      this.#commitBatch(batch, outcomes);
    } catch (error) {
      this.#staged.clear();
      const failure = CrewError.is(error)
        ? error
        : new CrewError(
            ErrorCode.STORE_ERROR,
            `Writing to the database ${this.path} failed: ${(error as Error).message}`,
            { cause: error },
          );
      for (const append of batch) append.reject(failure);
      return;
    }
    // Committed: what the appends changed becomes the state the next ones are checked against.
    for (const [runId, state] of this.#staged) {
      if (state.ended) this.#appendStates.delete(runId);
      else this.#appendStates.set(runId, state);
    }
    this.#staged.clear();
    batch.forEach((append, i) => {
      const error = outcomes[i];
      if (error === null || error === undefined) append.resolve();
      else append.reject(error);
    });
  }

  /** The body of a batch's transaction (made once: see the constructor). */
  #writeBatch(batch: readonly PendingAppend[], outcomes: unknown[]): void {
    // One append needs no savepoint: when it fails, the whole transaction rolls back.
    if (batch.length === 1) {
      const [only] = batch as [PendingAppend];
      this.#write(only.runId, only.events);
      outcomes.push(null);
      return;
    }
    for (const append of batch) {
      try {
        this.#writeInSavepoint(append.runId, append.events);
        outcomes.push(null);
      } catch (error) {
        // SQLite rolled the whole transaction back (as it may on a full disk or an I/O error):
        // the batch fails as one, rather than the appends after this one committing on their own.
        if (!this.#db.inTransaction) throw error;
        outcomes.push(error);
      }
    }
  }

  /**
   * The state an append to `runId` is checked against: what this transaction staged, else what
   * the last commits left (kept in memory while the run is live: the lock makes this process
   * the file's only writer), else the row.
   */
  #appendState(runId: string): AppendState | undefined {
    const known = this.#staged.get(runId) ?? this.#appendStates.get(runId);
    if (known) return known;
    const row = this.#sql.appendState.get(runId) as AppendStateRow | undefined;
    return (
      row && {
        ord: row.ord,
        lastSeq: row.last_seq,
        ended: row.ended === 1,
        startedAt: row.started_at ?? undefined,
      }
    );
  }

  #write(runId: string, events: readonly CrewEvent[]): void {
    const state = this.#appendState(runId);
    if (!state) throw new CrewError(ErrorCode.RUN_NOT_FOUND, `No run with id "${runId}".`);
    checkAppend({ id: runId, lastSeq: state.lastSeq, ended: state.ended }, events);
    if (events.length === 0) return;
    const envelope = envelopeOf(runId);
    // Made once for the store and every watcher the batch is published to.
    const json = batchJson(events);
    const chunk = this.#chunk;
    let i = 0;
    for (; i + EVENTS_PER_INSERT <= events.length; i += EVENTS_PER_INSERT) {
      for (let j = 0; j < EVENTS_PER_INSERT; j++) {
        const event = events[i + j] as CrewEvent;
        chunk[3 * j] = state.ord;
        chunk[3 * j + 1] = event.seq;
        chunk[3 * j + 2] = toEventData(envelope, event, json[i + j] as string);
      }
      this.#sql.insertEvents.run(chunk);
    }
    for (; i < events.length; i++) {
      const event = events[i] as CrewEvent;
      this.#sql.insertEvent.run(
        state.ord,
        event.seq,
        toEventData(envelope, event, json[i] as string),
      );
    }
    const lastSeq = state.lastSeq + events.length;
    const patch = statusPatch(
      { ...(state.startedAt === undefined ? {} : { startedAt: state.startedAt }) },
      events,
    );
    // Only run.start and run.end change the row; other appends write the event pages alone.
    if (patch.status !== undefined) {
      this.#sql.afterAppend.run({
        ord: state.ord,
        last_seq: lastSeq,
        ended: patch.endedAt === undefined ? 0 : 1,
        status: patch.status,
        started_at: patch.startedAt ?? null,
        ended_at: patch.endedAt ?? null,
        result: patch.result ?? null,
        error: patch.error === undefined ? null : JSON.stringify(patch.error),
      });
    }
    this.#staged.set(runId, {
      ord: state.ord,
      lastSeq,
      ended: state.ended || patch.endedAt !== undefined,
      startedAt: state.startedAt ?? patch.startedAt,
    });
  }

  #assertOpen(): void {
    if (this.#closed) throw new CrewError(ErrorCode.CONFLICT, "The run store is closed.");
  }
}

/**
 * A {@link RunStore} in process memory: for tests and `--no-persist`. Everything is lost when
 * the process exits.
 */
import { CrewError, ErrorCode, threadTitleFrom, type CrewEvent } from "../events/index.js";
import {
  checkAppend,
  isFinished,
  pageLimit,
  parsePageCursor,
  statusPatch,
} from "./append-check.js";
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

interface StoredRun {
  /** Insertion order: the page cursor. */
  ord: number;
  record: RunRecord;
  events: CrewEvent[];
}

interface StoredThread {
  /** Insertion order of its last run: the page cursor. */
  ord: number;
  title: string;
  createdAt: string;
  updatedAt: string;
  runIds: string[];
}

/** In-memory {@link RunStore}; records handed out are copies, so callers cannot change it. */
export class MemoryRunStore implements RunStore {
  readonly #runs = new Map<string, StoredRun>();
  readonly #threads = new Map<string, StoredThread>();
  #nextOrd = 1;
  #closed = false;

  async createRun(run: NewRun): Promise<RunRecord> {
    this.#assertOpen();
    if (this.#runs.has(run.id))
      throw new CrewError(ErrorCode.CONFLICT, `A run with id "${run.id}" already exists.`);
    const record: RunRecord = {
      id: run.id,
      crew: run.crew,
      status: run.status,
      inputs: { ...run.inputs },
      createdAt: new Date().toISOString(),
      lastSeq: 0,
      ...(run.source === undefined ? {} : { source: run.source }),
      ...(run.batchId === undefined ? {} : { batchId: run.batchId }),
      ...(run.timeoutMs === undefined ? {} : { timeoutMs: run.timeoutMs }),
      ...(run.threadId === undefined ? {} : { threadId: run.threadId }),
    };
    const ord = this.#nextOrd++;
    this.#runs.set(run.id, { ord, record, events: [] });
    if (run.threadId !== undefined) {
      const thread = this.#threads.get(run.threadId);
      if (thread) {
        Object.assign(thread, { ord, updatedAt: record.createdAt });
        thread.runIds.push(run.id);
      } else {
        this.#threads.set(run.threadId, {
          ord,
          title: threadTitleFrom(run.inputs),
          createdAt: record.createdAt,
          updatedAt: record.createdAt,
          runIds: [run.id],
        });
      }
    }
    return copy(record);
  }

  async listBatch(batchId: string): Promise<RunRecord[]> {
    this.#assertOpen();
    return [...this.#runs.values()]
      .filter((run) => run.record.batchId === batchId)
      .sort((a, b) => a.ord - b.ord)
      .map((run) => copy(run.record));
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    this.#assertOpen();
    const run = this.#runs.get(id);
    return run && copy(run.record);
  }

  async findRunIds(prefix: string, limit: number): Promise<string[]> {
    this.#assertOpen();
    return [...this.#runs.keys()]
      .filter((id) => id.startsWith(prefix))
      .sort()
      .slice(0, limit);
  }

  async listRuns(options: ListRunsOptions = {}): Promise<RunPage> {
    this.#assertOpen();
    const limit = pageLimit(options.limit);
    const before = parsePageCursor(options.before);
    const matching = [...this.#runs.values()]
      .filter(
        (run) =>
          run.ord < before &&
          (options.status === undefined || run.record.status === options.status),
      )
      .sort((a, b) => b.ord - a.ord);
    const page = matching.slice(0, limit);
    const last = page.at(-1);
    return {
      runs: page.map((run) => copy(run.record)),
      ...(matching.length > limit && last ? { nextCursor: String(last.ord) } : {}),
    };
  }

  async updateRun(
    id: string,
    patch: Partial<Pick<RunRecord, "status" | "startedAt">>,
  ): Promise<void> {
    this.#assertOpen();
    const run = this.#require(id);
    Object.assign(run.record, patch);
  }

  async appendEvents(runId: string, events: readonly CrewEvent[]): Promise<void> {
    this.#assertOpen();
    const run = this.#require(runId);
    const ended = run.events.at(-1)?.type === "run.end";
    checkAppend({ id: runId, lastSeq: run.record.lastSeq, ended }, events);
    if (events.length === 0) return;
    run.events.push(...events.map((event) => structuredClone(event)));
    Object.assign(run.record, statusPatch(run.record, events), {
      lastSeq: run.record.lastSeq + events.length,
    });
  }

  async readEvents(
    runId: string,
    after: number,
    limit = Number.MAX_SAFE_INTEGER,
  ): Promise<CrewEvent[]> {
    this.#assertOpen();
    const run = this.#require(runId);
    // seq n sits at index n - 1 because the log is gapless from 1.
    const start = Math.max(0, Math.floor(after));
    return run.events.slice(start, start + limit).map((event) => structuredClone(event));
  }

  async listUnfinished(): Promise<RunRecord[]> {
    this.#assertOpen();
    return [...this.#runs.values()]
      .filter((run) => !isFinished(run.record.status))
      .sort((a, b) => a.ord - b.ord)
      .map((run) => copy(run.record));
  }

  async listThreads(options: ListThreadsOptions = {}): Promise<ThreadPage> {
    this.#assertOpen();
    const limit = pageLimit(options.limit);
    const before = parsePageCursor(options.before);
    const matching = [...this.#threads.entries()]
      .filter(([, thread]) => thread.ord < before)
      .sort(([, a], [, b]) => b.ord - a.ord);
    const page = matching.slice(0, limit);
    const last = page.at(-1);
    return {
      threads: page.map(([id, thread]) => threadRecord(id, thread)),
      ...(matching.length > limit && last ? { nextCursor: String(last[1].ord) } : {}),
    };
  }

  async getThread(id: string): Promise<ThreadDetails | undefined> {
    this.#assertOpen();
    const thread = this.#threads.get(id);
    if (!thread) return undefined;
    const runs = thread.runIds.flatMap((runId) => {
      const run = this.#runs.get(runId);
      return run ? [copy(run.record)] : [];
    });
    return { ...threadRecord(id, thread), runs };
  }

  async renameThread(id: string, title: string): Promise<ThreadRecord> {
    this.#assertOpen();
    const thread = this.#requireThread(id);
    thread.title = title;
    return threadRecord(id, thread);
  }

  async deleteThread(id: string): Promise<ThreadDeleted> {
    this.#assertOpen();
    const thread = this.#requireThread(id);
    let deletedEvents = 0;
    for (const runId of thread.runIds) {
      deletedEvents += this.#runs.get(runId)?.events.length ?? 0;
      this.#runs.delete(runId);
    }
    this.#threads.delete(id);
    return { threadId: id, deletedRuns: thread.runIds.length, deletedEvents };
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  #require(id: string): StoredRun {
    const run = this.#runs.get(id);
    if (!run) throw new CrewError(ErrorCode.RUN_NOT_FOUND, `No run with id "${id}".`);
    return run;
  }

  #requireThread(id: string): StoredThread {
    const thread = this.#threads.get(id);
    if (!thread) throw new CrewError(ErrorCode.NOT_FOUND, `No thread with id "${id}".`);
    return thread;
  }

  #assertOpen(): void {
    if (this.#closed) throw new CrewError(ErrorCode.CONFLICT, "The run store is closed.");
  }
}

function threadRecord(id: string, thread: StoredThread): ThreadRecord {
  return {
    threadId: id,
    title: thread.title,
    createdAt: thread.createdAt,
    updatedAt: thread.updatedAt,
    runCount: thread.runIds.length,
  };
}

function copy(record: RunRecord): RunRecord {
  return structuredClone(record);
}

/**
 * What every {@link RunService} does the same way over its store: run details (summaries kept
 * by {@link SummaryCache}), run pages, batches, threads, and watcher counting (a run started
 * with `onDisconnect: "cancel"` is cancelled when its last watcher leaves). `RunManager` (one
 * process) and `DistributedRunManager` (src/scale, in front of workers) extend it with how runs
 * start, execute, cancel and stream.
 */
import { CrewError, ErrorCode, isFinished, type CrewEvent } from "../events/index.js";
import type {
  ListRunsOptions,
  ListThreadsOptions,
  RunPage,
  RunRecord,
  RunStore,
  ThreadDeleted,
  ThreadDetails,
  ThreadPage,
  ThreadRecord,
} from "../store/index.js";
import { batchStatus, startBatch } from "./batches.js";
import type { ResolveRunner } from "./crew-runner.js";
import { findRun } from "./require-run.js";
import type { RunLogger } from "./run.js";
import type {
  BatchStatus,
  RunDetails,
  RunEventsOptions,
  RunService,
  RunWatch,
  StartBatchRequest,
  StartedBatch,
  StartRunRequest,
} from "./run-service.js";
import { RunWatchers } from "./run-watchers.js";
import { SummaryCache } from "./summary-cache.js";

/** The store-backed half of a run service; see the file comment. */
export abstract class StoredRunService implements RunService {
  readonly #store: RunStore;
  readonly #resolveRunner: ResolveRunner;
  readonly #summaries: SummaryCache;
  /**
   * Watchers of the runs started with `onDisconnect: "cancel"`: subclasses track a run when
   * they start it (`RunManager` also forgets it once it ended).
   */
  protected readonly watchers: RunWatchers;

  protected constructor(store: RunStore, resolveRunner: ResolveRunner, logger: RunLogger) {
    this.#store = store;
    this.#resolveRunner = resolveRunner;
    this.#summaries = new SummaryCache(store);
    this.watchers = new RunWatchers((id) => {
      this.cancel(id).catch((error: unknown) =>
        logger.error(`Run ${id}: cancel after the last watcher left failed`, error),
      );
    });
  }

  abstract start(request: StartRunRequest): Promise<RunRecord>;
  abstract resolveId(id: string): Promise<string>;
  abstract cancel(id: string): Promise<RunRecord>;
  abstract answer(id: string, requestId: string, text: string): Promise<void>;
  abstract openEvents(
    id: string,
    options?: RunEventsOptions,
  ): Promise<AsyncIterable<readonly CrewEvent[]>>;
  abstract close(): Promise<void>;

  startBatch(request: StartBatchRequest): Promise<StartedBatch> {
    return startBatch(request, this.#resolveRunner, (item) => this.start(item));
  }

  getBatch(batchId: string): Promise<BatchStatus | undefined> {
    return batchStatus(this.#store, batchId);
  }

  async get(id: string): Promise<RunDetails | undefined> {
    const record = await findRun(this.#store, id);
    return record && this.#summaries.details(record);
  }

  list(options: ListRunsOptions = {}): Promise<RunPage> {
    return this.#store.listRuns(options);
  }

  watch(id: string): RunWatch {
    return this.watchers.watch(id);
  }

  listThreads(options: ListThreadsOptions = {}): Promise<ThreadPage> {
    return this.#store.listThreads(options);
  }

  getThread(id: string): Promise<ThreadDetails | undefined> {
    return this.#store.getThread(id);
  }

  renameThread(id: string, title: string): Promise<ThreadRecord> {
    return this.#store.renameThread(id, title);
  }

  /** Cancels the thread's live runs (so nothing writes to a deleted run), then deletes it. */
  async deleteThread(id: string): Promise<ThreadDeleted> {
    const thread = await this.#store.getThread(id);
    if (!thread) throw new CrewError(ErrorCode.NOT_FOUND, `No thread with id "${id}".`);
    await Promise.all(
      thread.runs.filter((run) => !isFinished(run.status)).map((run) => this.cancel(run.id)),
    );
    return this.#store.deleteThread(id);
  }
}

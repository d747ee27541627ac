/** Thread operations every run service shares: reads go to the store, deletes cancel first. */
import { CrewError, ErrorCode, isFinished } from "../events/index.js";
import type {
  ListThreadsOptions,
  RunStore,
  ThreadDeleted,
  ThreadDetails,
  ThreadPage,
  ThreadRecord,
} from "../store/index.js";

/** The thread methods of a run service over `store`, cancelling through `cancel`. */
export class ThreadOperations {
  constructor(
    private readonly store: RunStore,
    private readonly cancel: (runId: string) => Promise<unknown>,
  ) {}

  listThreads(options: ListThreadsOptions = {}): Promise<ThreadPage> {
    return this.store.listThreads(options);
  }

  getThread(id: string): Promise<ThreadDetails | undefined> {
    return this.store.getThread(id);
  }

  renameThread(id: string, title: string): Promise<ThreadRecord> {
    return this.store.renameThread(id, title);
  }

  /** Cancels the thread's live runs (so nothing writes to a deleted run), then deletes it. */
  async deleteThread(id: string): Promise<ThreadDeleted> {
    const thread = await this.store.getThread(id);
    if (!thread) throw new CrewError(ErrorCode.NOT_FOUND, `No thread with id "${id}".`);
    await Promise.all(
      thread.runs.filter((run) => !isFinished(run.status)).map((run) => this.cancel(run.id)),
    );
    return this.store.deleteThread(id);
  }
}

/**
 * The queue of runs waiting for a worker (BullMQ). A job carries only the run's id: the run's
 * crew and inputs are in the store, written before the job is added.
 */
import { Queue } from "bullmq";
import type { Redis } from "ioredis";

/** Name of the BullMQ queue holding runs. */
export const RUN_QUEUE = "runs";

/** What a queued job carries. */
export interface RunJob {
  runId: string;
  /** The W3C `traceparent` of the server that queued the run, so server and worker share one trace. */
  traceparent?: string;
}

/** BullMQ's key prefix for a crewstream key prefix. */
export function bullPrefix(prefix: string): string {
  return `${prefix}bull`;
}

/** Producer side of the run queue, used by servers. */
export class RunQueue {
  readonly #queue: Queue<RunJob>;
  readonly #connection: Redis;

  /** `connection` is owned by the queue from now on (closed by {@link RunQueue.close}). */
  constructor(connection: Redis, prefix: string) {
    this.#connection = connection;
    this.#queue = new Queue<RunJob>(RUN_QUEUE, { connection, prefix: bullPrefix(prefix) });
    this.#queue.on("error", () => undefined);
  }

  /** Queues a run; the job id is the run id, so a run is queued at most once. */
  async enqueue(runId: string, traceparent?: string): Promise<void> {
    await this.#queue.add(
      "run",
      { runId, ...(traceparent === undefined ? {} : { traceparent }) },
      // One attempt: a run whose worker died is ended as interrupted, never run twice.
      { jobId: runId, attempts: 1, removeOnComplete: true, removeOnFail: 1000 },
    );
  }

  /** Takes a run off the queue if no worker has it yet; true when it was removed. */
  async remove(runId: string): Promise<boolean> {
    return (await this.#queue.remove(runId)) === 1;
  }

  /** Runs waiting for a worker. */
  waiting(): Promise<number> {
    return this.#queue.getWaitingCount();
  }

  /** Runs a worker has taken and not finished. */
  active(): Promise<number> {
    return this.#queue.getActiveCount();
  }

  async close(): Promise<void> {
    await this.#queue.close();
    // BullMQ leaves a connection it was given open.
    this.#connection.disconnect();
  }
}

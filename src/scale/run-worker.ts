/**
 * A worker process's runs: takes jobs from the run queue (BullMQ), claims each run, executes it
 * with the same {@link ActiveRun} a single-process server uses (events appended to the Redis
 * store in batches, exactly one `run.end`), keeps its heartbeat alive, and obeys cancel and
 * human-input messages sent by any server.
 */
import { randomUUID } from "node:crypto";
import { Worker } from "bullmq";
import type { Redis } from "ioredis";
import { CrewError, ErrorCode } from "../events/index.js";
import type { RateLimiterLike } from "../llm/index.js";
import {
  ActiveRun,
  type ActiveRunContext,
  type CrewRunner,
  type ResolveRunner,
  type RunLogger,
} from "../runs/index.js";
import type { RedisRunStore } from "./redis-store.js";
import { receiveControl, type ControlMessage } from "./control-channel.js";
import { beat, claimRun } from "./run-claim.js";
import { bullPrefix, RUN_QUEUE, type RunJob } from "./run-queue.js";
import { DEFAULT_STALL_MS, startSweeper } from "./run-sweeper.js";

/** Options of {@link RunWorker}. */
export interface RunWorkerOptions {
  store: RedisRunStore;
  resolveRunner: ResolveRunner;
  /** Runs executed at once by this worker (default 4). */
  concurrency?: number;
  /** A run whose heartbeat is older than this is interrupted (default 15 s). */
  stallMs?: number;
  /** Overrides every agent's model. */
  model?: ActiveRunContext["model"];
  /** Shared model rate limiter (e.g. {@link RedisRateLimiter}), given to every run. */
  rateLimiter?: RateLimiterLike;
  logger?: RunLogger;
  /** How long a cancelled crew may take to stop (default 10 s). */
  cancelGraceMs?: number;
}

/** Executes queued runs; see the file comment. */
export class RunWorker {
  /** Identifies this worker in heartbeats and run rows. */
  readonly id = `worker-${randomUUID().slice(0, 8)}`;
  readonly #options: RunWorkerOptions;
  readonly #stallMs: number;
  readonly #logger: RunLogger;
  readonly #context: ActiveRunContext;
  readonly #active = new Map<string, ActiveRun>();
  readonly #subscriber;
  #worker: Worker<RunJob> | undefined;
  #connection: Redis | undefined;
  #sweeper: { stop(): void } | undefined;

  constructor(options: RunWorkerOptions) {
    this.#options = options;
    this.#stallMs = options.stallMs ?? DEFAULT_STALL_MS;
    this.#logger = options.logger ?? {
      error: (message, details) => console.error(message, details),
    };
    this.#context = {
      store: options.store,
      logger: this.#logger,
      flushMs: 0,
      cancelGraceMs: options.cancelGraceMs ?? 10_000,
      ...(options.model === undefined ? {} : { model: options.model }),
      ...(options.rateLimiter === undefined ? {} : { rateLimiter: options.rateLimiter }),
    };
    this.#subscriber = options.store.connect();
  }

  /** Runs executing here now. */
  get running(): number {
    return this.#active.size;
  }

  /** Subscribes to control messages and starts taking runs. */
  async start(): Promise<void> {
    const { store } = this.#options;
    await receiveControl(
      this.#subscriber,
      store.keys,
      (message) => this.#control(message),
      (error) => this.#logger.error("A control message could not be read", error),
    );
    this.#connection = store.connect({ maxRetriesPerRequest: null });
    this.#worker = new Worker<RunJob>(RUN_QUEUE, (job) => this.#execute(job.data.runId), {
      connection: this.#connection,
      prefix: bullPrefix(store.keys.prefix),
      concurrency: this.#options.concurrency ?? 4,
      // A dead worker's job must not be handed to another: the sweeper ends its run instead.
      maxStalledCount: 0,
    });
    this.#worker.on("error", (error) => this.#logger.error("The run queue failed", error));
    this.#sweeper = startSweeper(store, this.#logger, Math.max(250, this.#stallMs / 2));
  }

  /** Stops taking runs, cancels the running ones and waits until their `run.end` is durable. */
  async close(): Promise<void> {
    this.#sweeper?.stop();
    const closing = this.#worker?.close();
    for (const run of this.#active.values())
      run.controller.abort(new CrewError(ErrorCode.CANCELLED, "The worker is shutting down."));
    await closing;
    // BullMQ leaves a connection it was given open.
    this.#connection?.disconnect();
    this.#subscriber.disconnect();
  }

  async #execute(runId: string): Promise<void> {
    const { store } = this.#options;
    const claim = await claimRun(store.redis, store.keys, runId, this.id, this.#stallMs);
    if (!claim.claimed) return;
    const record = await store.getRun(runId);
    if (!record) return;
    const run = new ActiveRun(
      runId,
      await this.#runner(record.crew),
      record.inputs,
      this.#context,
      record.threadId,
    );
    this.#active.set(runId, run);
    const heartbeat = setInterval(
      () => {
        beat(store.redis, store.keys, runId, this.id, this.#stallMs).catch((error: unknown) =>
          this.#logger.error(`Run ${runId}: heartbeat failed`, error),
        );
      },
      Math.max(100, this.#stallMs / 3),
    );
    try {
      if (claim.cancelled || (await store.redis.exists(store.keys.cancel(runId))) === 1)
        run.controller.abort(new CrewError(ErrorCode.CANCELLED, "The run was cancelled."));
      await run.execute();
    } finally {
      clearInterval(heartbeat);
      this.#active.delete(runId);
      await store.redis
        .del(store.keys.heartbeat(runId))
        .catch((error: unknown) =>
          this.#logger.error(`Run ${runId}: removing its heartbeat failed`, error),
        );
    }
  }

  /** The crew's runner; a crew that cannot load fails the run. */
  async #runner(crew: string): Promise<CrewRunner> {
    try {
      return await this.#options.resolveRunner(crew);
    } catch (error) {
      return {
        name: crew,
        // eslint-disable-next-line require-yield
        stream: async function* () {
          throw error;
        },
      };
    }
  }

  #control(message: ControlMessage): void {
    const run = this.#active.get(message.runId);
    if (!run) return;
    if (message.type === "cancel") {
      run.controller.abort(new CrewError(ErrorCode.CANCELLED, "The run was cancelled."));
      return;
    }
    try {
      run.answer(message.requestId, message.text);
    } catch (error) {
      this.#logger.error(`Run ${message.runId}: an answer could not be delivered`, error);
    }
  }
}

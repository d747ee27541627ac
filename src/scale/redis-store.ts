/**
 * A {@link RunStore} on Redis, shared by several server and worker processes: one stream per
 * run (`<prefix>run:<id>:events`, entry id `<seq>-0`), the status row in a hash
 * (`<prefix>run:<id>`), a sorted set of runs by creation order for paging and one of unfinished
 * runs. Appends run in a Lua script that checks the log stays gapless and ends once, so
 * concurrent writers in different processes cannot interleave or both end a run. Finished runs
 * expire after `retentionMs`. {@link RedisRunStore.waitForEvents} is the live read for
 * subscribers in any process.
 */
import { Redis, type RedisOptions } from "ioredis";
import { CrewError, ErrorCode, type CrewEvent } from "../events/index.js";
import {
  checkAppend,
  isFinished,
  pageLimit,
  parsePageCursor,
  statusPatch,
  type ListRunsOptions,
  type ListThreadsOptions,
  type NewRun,
  type RunPage,
  type RunRecord,
  type RunStore,
  type ThreadDeleted,
  type ThreadDetails,
  type ThreadPage,
  type ThreadRecord,
} from "../store/index.js";
import { threadTitleFrom } from "../events/index.js";
import { BlockingReads, type StreamEntries } from "./redis-blocking-reads.js";
import { RedisKeys } from "./redis-keys.js";
import { newRunFields, parseRecord, patchFields, toHash } from "./redis-record.js";
import { APPEND_EVENTS, CREATE_RUN, UPDATE_RUN } from "./redis-scripts.js";

/** Options of {@link RedisRunStore}. */
export interface RedisRunStoreOptions {
  /** `redis://host:port/db` (default `redis://127.0.0.1:6379`). */
  url?: string;
  /** Prefix of every key (default `cs:`); separates several installations on one Redis. */
  prefix?: string;
  /** How long a finished run is kept (default 7 days; 0 keeps it forever). */
  retentionMs?: number;
  /** Extra ioredis options for every connection. */
  redis?: RedisOptions;
}

/** Options of {@link RedisRunStore.waitForEvents}. */
export interface WaitForEventsOptions {
  signal?: AbortSignal;
  /** Longest wait before resolving with [] (default 5 s). */
  blockMs?: number;
  /** Most events returned (default 500). */
  limit?: number;
}

/** Default retention of finished runs: 7 days. */
const DEFAULT_RETENTION_MS = 7 * 24 * 3600 * 1000;

/**
 * ioredis defaults for crewstream: a command waits through a short outage (a few reconnect
 * attempts), then fails with a clear error instead of hanging.
 */
const REDIS_DEFAULTS: RedisOptions = {
  maxRetriesPerRequest: 3,
  retryStrategy: (times) => Math.min(times * 100, 2000),
};

type Scripted = Redis & {
  csCreate(...args: Array<string | number>): Promise<number>;
  csAppend(...args: Array<string | number>): Promise<number | [number, number]>;
  csUpdate(...args: Array<string | number>): Promise<number>;
};

/** The Redis {@link RunStore}; see the file comment. */
export class RedisRunStore implements RunStore {
  /** The key layout, shared with the queue, workers and sweeper. */
  readonly keys: RedisKeys;
  /** The command connection (for other parts of the cluster that share it). */
  readonly redis: Redis;
  readonly #url: string;
  readonly #options: RedisOptions;
  readonly #retentionMs: number;
  readonly #blocking: BlockingReads;
  #closed = false;

  constructor(options: RedisRunStoreOptions = {}) {
    this.#url = options.url ?? "redis://127.0.0.1:6379";
    this.#options = { ...REDIS_DEFAULTS, ...options.redis };
    this.#retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
    this.keys = new RedisKeys(options.prefix);
    this.redis = this.connect();
    const scripted = this.redis as Scripted;
    scripted.defineCommand("csCreate", { numberOfKeys: 4, lua: CREATE_RUN });
    scripted.defineCommand("csAppend", { numberOfKeys: 3, lua: APPEND_EVENTS });
    scripted.defineCommand("csUpdate", { numberOfKeys: 1, lua: UPDATE_RUN });
    this.#blocking = new BlockingReads(
      () => this.connect({ maxRetriesPerRequest: null }),
      this.redis,
    );
  }

  /** A new connection to the same Redis with the store's options (the caller closes it). */
  connect(extra: RedisOptions = {}): Redis {
    const redis = new Redis(this.#url, { ...this.#options, ...extra });
    // Commands reject with the connection error themselves; the event only needs a listener.
    redis.on("error", () => undefined);
    return redis;
  }

  async createRun(run: NewRun): Promise<RunRecord> {
    this.#assertOpen();
    const createdAt = new Date().toISOString();
    const k = this.keys;
    const ord = await this.#scripted.csCreate(
      k.run(run.id),
      k.runs,
      k.unfinished,
      k.order,
      run.id,
      ...newRunFields(run, createdAt),
    );
    if (ord === 0)
      throw new CrewError(ErrorCode.CONFLICT, `A run with id "${run.id}" already exists.`);
    if (run.batchId !== undefined) await this.redis.zadd(k.batch(run.batchId), ord, run.id);
    if (run.threadId !== undefined) {
      const thread = k.thread(run.threadId);
      await this.redis
        .multi()
        .hsetnx(thread, "title", threadTitleFrom(run.inputs))
        .hsetnx(thread, "createdAt", createdAt)
        .hset(thread, "updatedAt", createdAt)
        .rpush(k.threadRuns(run.threadId), run.id)
        .zadd(k.threads, ord, run.threadId)
        .exec();
    }
    return parseRecord(toHash(newRunFields(run, createdAt).concat("lastSeq", "0")))!;
  }

  async listBatch(batchId: string): Promise<RunRecord[]> {
    this.#assertOpen();
    const ids = await this.redis.zrange(this.keys.batch(batchId), 0, -1);
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.keys.run(id));
    const replies = (await pipeline.exec()) ?? [];
    return replies
      .map(([, reply]) => parseRecord(toHash(reply)))
      .filter((record): record is RunRecord => record !== undefined);
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    this.#assertOpen();
    return parseRecord(await this.redis.hgetall(this.keys.run(id)));
  }

  /** Scans the index of runs (ids matching a glob of the escaped prefix), keeping those still stored. */
  async findRunIds(prefix: string, limit: number): Promise<string[]> {
    this.#assertOpen();
    const pattern = `${prefix.replace(/[*?[\]\\]/g, "\\$&")}*`;
    const found = new Set<string>();
    let cursor = "0";
    do {
      const [next, entries] = await this.redis.zscan(
        this.keys.runs,
        cursor,
        "MATCH",
        pattern,
        "COUNT",
        1000,
      );
      cursor = next;
      for (let i = 0; i < entries.length; i += 2) found.add(entries[i]!);
    } while (cursor !== "0");
    const ids = [...found].filter((id) => id.startsWith(prefix)).sort();
    const kept: string[] = [];
    for (const id of ids) {
      if (kept.length === limit) break;
      if ((await this.redis.exists(this.keys.run(id))) === 1) kept.push(id);
    }
    return kept;
  }

  async listRuns(options: ListRunsOptions = {}): Promise<RunPage> {
    this.#assertOpen();
    const limit = pageLimit(options.limit);
    const before = parsePageCursor(options.before);
    const runs: RunRecord[] = [];
    let max = `(${before}`;
    let lastOrd = 0;
    for (;;) {
      const batch = options.status === undefined ? limit + 1 : Math.max(limit + 1, 100);
      const ids = await this.redis.zrevrangebyscore(
        this.keys.runs,
        max,
        "-inf",
        "WITHSCORES",
        "LIMIT",
        0,
        batch,
      );
      if (ids.length === 0) break;
      const pipeline = this.redis.pipeline();
      for (let i = 0; i < ids.length; i += 2) pipeline.hgetall(this.keys.run(ids[i]!));
      const hashes = (await pipeline.exec()) ?? [];
      for (let i = 0; i < ids.length; i += 2) {
        const record = parseRecord(toHash(hashes[i / 2]?.[1]));
        if (!record) {
          // Expired after its retention: forget it in the index too.
          await this.redis.zrem(this.keys.runs, ids[i]!);
          continue;
        }
        if (options.status !== undefined && record.status !== options.status) continue;
        if (runs.length === limit) return { runs, nextCursor: String(lastOrd) };
        runs.push(record);
        lastOrd = Number(ids[i + 1]);
      }
      max = `(${ids.at(-1)!}`;
      if (ids.length < batch * 2) break;
    }
    return { runs };
  }

  async updateRun(
    id: string,
    patch: Partial<Pick<RunRecord, "status" | "startedAt">>,
  ): Promise<void> {
    this.#assertOpen();
    const fields = patchFields(patch);
    const found = await this.#scripted.csUpdate(
      this.keys.run(id),
      ...(fields.length > 0 ? fields : ["id", id]),
    );
    if (found === 0) throw new CrewError(ErrorCode.RUN_NOT_FOUND, `No run with id "${id}".`);
    if (patch.status !== undefined && isFinished(patch.status))
      await this.redis.zrem(this.keys.unfinished, id);
  }

  async appendEvents(runId: string, events: readonly CrewEvent[]): Promise<void> {
    this.#assertOpen();
    const first = events[0];
    if (!first) {
      if (!(await this.redis.exists(this.keys.run(runId))))
        throw new CrewError(ErrorCode.RUN_NOT_FOUND, `No run with id "${runId}".`);
      return;
    }
    // The batch must be consistent in itself; the script checks that it continues the log.
    checkAppend({ id: runId, lastSeq: first.seq - 1, ended: false }, events);
    const patch = patchFields(statusPatch({}, events));
    const k = this.keys;
    const reply = await this.#scripted.csAppend(
      k.run(runId),
      k.events(runId),
      k.unfinished,
      first.seq,
      events.length,
      events.at(-1)!.type === "run.end" ? "1" : "0",
      this.#retentionMs,
      patch.length / 2,
      ...patch,
      ...events.map((event) => JSON.stringify(event)),
    );
    if (reply === 1) return;
    if (reply === -1) throw new CrewError(ErrorCode.RUN_NOT_FOUND, `No run with id "${runId}".`);
    const [lastSeq, ended] = reply as [number, number];
    checkAppend({ id: runId, lastSeq, ended: ended === 1 }, events);
    throw new CrewError(
      ErrorCode.CONFLICT,
      `Run "${runId}" did not take events from seq ${first.seq}.`,
    );
  }

  async readEvents(
    runId: string,
    after: number,
    limit = Number.MAX_SAFE_INTEGER,
  ): Promise<CrewEvent[]> {
    this.#assertOpen();
    const start = `${Math.max(0, Math.floor(after)) + 1}-0`;
    const [[, exists], [, entries]] = (await this.redis
      .multi()
      .exists(this.keys.run(runId))
      .xrange(this.keys.events(runId), start, "+", "COUNT", Math.min(limit, 1_000_000))
      .exec()) as [[unknown, number], [unknown, StreamEntries]];
    if (!exists) throw new CrewError(ErrorCode.RUN_NOT_FOUND, `No run with id "${runId}".`);
    return decode(entries);
  }

  /**
   * Live read for a subscriber: the run's events after `after`, waiting (`XREAD BLOCK`) up to
   * `blockMs` for the first one. Resolves with [] on timeout or abort; the caller reads again.
   */
  async waitForEvents(
    runId: string,
    after: number,
    options: WaitForEventsOptions = {},
  ): Promise<CrewEvent[]> {
    this.#assertOpen();
    const entries = await this.#blocking.read(
      this.keys.events(runId),
      `${Math.max(0, Math.floor(after))}-0`,
      options.limit ?? 500,
      options.blockMs ?? 5000,
      options.signal,
    );
    return decode(entries);
  }

  async listUnfinished(): Promise<RunRecord[]> {
    this.#assertOpen();
    const ids = await this.redis.zrange(this.keys.unfinished, 0, -1);
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.keys.run(id));
    const replies = (await pipeline.exec()) ?? [];
    return replies.flatMap(([, hash]) => {
      const record = parseRecord(toHash(hash));
      return record && !isFinished(record.status) ? [record] : [];
    });
  }

  async listThreads(options: ListThreadsOptions = {}): Promise<ThreadPage> {
    this.#assertOpen();
    const limit = pageLimit(options.limit);
    const before = parsePageCursor(options.before);
    const ids = await this.redis.zrevrangebyscore(
      this.keys.threads,
      `(${before}`,
      "-inf",
      "WITHSCORES",
      "LIMIT",
      0,
      limit + 1,
    );
    const threads: ThreadRecord[] = [];
    for (let i = 0; i < ids.length && threads.length < limit; i += 2) {
      const record = await this.#thread(ids[i]!);
      if (record) threads.push(record);
    }
    const more = ids.length > limit * 2;
    return {
      threads,
      ...(more ? { nextCursor: ids[limit * 2 - 1]! } : {}),
    };
  }

  async getThread(id: string): Promise<ThreadDetails | undefined> {
    this.#assertOpen();
    const record = await this.#thread(id);
    if (!record) return undefined;
    const runIds = await this.redis.lrange(this.keys.threadRuns(id), 0, -1);
    const pipeline = this.redis.pipeline();
    for (const runId of runIds) pipeline.hgetall(this.keys.run(runId));
    const hashes = runIds.length === 0 ? [] : ((await pipeline.exec()) ?? []);
    // Runs past their retention have expired: the thread keeps the ones still there.
    const runs = hashes.flatMap(([, hash]) => {
      const run = parseRecord(toHash(hash));
      return run ? [run] : [];
    });
    return { ...record, runCount: runs.length, runs };
  }

  async renameThread(id: string, title: string): Promise<ThreadRecord> {
    this.#assertOpen();
    if (!(await this.redis.exists(this.keys.thread(id))))
      throw new CrewError(ErrorCode.NOT_FOUND, `No thread with id "${id}".`);
    await this.redis.hset(this.keys.thread(id), "title", title);
    return (await this.#thread(id))!;
  }

  async deleteThread(id: string): Promise<ThreadDeleted> {
    this.#assertOpen();
    const k = this.keys;
    if (!(await this.redis.exists(k.thread(id))))
      throw new CrewError(ErrorCode.NOT_FOUND, `No thread with id "${id}".`);
    const runIds = await this.redis.lrange(k.threadRuns(id), 0, -1);
    const counts = this.redis.pipeline();
    for (const runId of runIds) counts.exists(k.run(runId)).xlen(k.events(runId));
    const replies = runIds.length === 0 ? [] : ((await counts.exec()) ?? []);
    let deletedRuns = 0;
    let deletedEvents = 0;
    for (let i = 0; i < replies.length; i += 2) {
      deletedRuns += Number(replies[i]?.[1] ?? 0);
      deletedEvents += Number(replies[i + 1]?.[1] ?? 0);
    }
    const removal = this.redis.multi();
    for (const runId of runIds) {
      removal
        .del(k.run(runId), k.events(runId), k.heartbeat(runId), k.cancel(runId))
        .zrem(k.runs, runId)
        .zrem(k.unfinished, runId);
    }
    await removal.del(k.thread(id), k.threadRuns(id)).zrem(k.threads, id).exec();
    return { threadId: id, deletedRuns, deletedEvents };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#blocking.close();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  async #thread(id: string): Promise<ThreadRecord | undefined> {
    const [[, hash], [, count]] = (await this.redis
      .multi()
      .hgetall(this.keys.thread(id))
      .llen(this.keys.threadRuns(id))
      .exec()) as [[unknown, Record<string, string>], [unknown, number]];
    if (hash.title === undefined) return undefined;
    return {
      threadId: id,
      title: hash.title,
      createdAt: hash.createdAt ?? new Date(0).toISOString(),
      updatedAt: hash.updatedAt ?? hash.createdAt ?? new Date(0).toISOString(),
      runCount: count,
    };
  }

  get #scripted(): Scripted {
    return this.redis as Scripted;
  }

  #assertOpen(): void {
    if (this.#closed) throw new CrewError(ErrorCode.CONFLICT, "The run store is closed.");
  }
}

function decode(entries: StreamEntries): CrewEvent[] {
  return entries.map(([, fields]) => JSON.parse(fields[1] ?? "null") as CrewEvent);
}

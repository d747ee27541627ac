/** Where the {@link RedisRunStore} keeps a run's data: one place, so every process agrees. */

/** Key names under one prefix (default `cs:`). */
export class RedisKeys {
  constructor(readonly prefix = "cs:") {}

  /** Hash: the run's status row. */
  run(id: string): string {
    return `${this.prefix}run:${id}`;
  }

  /** Stream: the run's events, entry id `<seq>-0`. */
  events(id: string): string {
    return `${this.prefix}run:${id}:events`;
  }

  /** String with a TTL: the worker executing the run is alive while it exists. */
  heartbeat(id: string): string {
    return `${this.prefix}run:${id}:heartbeat`;
  }

  /** String: set when a cancel was asked for, so a worker that picks the run up later sees it. */
  cancel(id: string): string {
    return `${this.prefix}run:${id}:cancel`;
  }

  /** Sorted set of the run ids of one batch, by creation order. */
  batch(id: string): string {
    return `${this.prefix}batch:${id}`;
  }

  /** Sorted set of every run id by creation order. */
  get runs(): string {
    return `${this.prefix}runs`;
  }

  /** Sorted set of runs without `run.end`, by creation order. */
  get unfinished(): string {
    return `${this.prefix}runs:unfinished`;
  }

  /** Counter handing out creation order numbers. */
  get order(): string {
    return `${this.prefix}runs:order`;
  }

  /** Hash: a thread's title and timestamps. */
  thread(id: string): string {
    return `${this.prefix}thread:${id}`;
  }

  /** List: a thread's run ids, oldest first. */
  threadRuns(id: string): string {
    return `${this.prefix}thread:${id}:runs`;
  }

  /** Sorted set of thread ids by the creation order of their last run. */
  get threads(): string {
    return `${this.prefix}threads`;
  }

  /** Pub/sub channel carrying cancel and human-input answers to workers. */
  get control(): string {
    return `${this.prefix}control`;
  }

  /** Sorted-set prefix of the shared rate limiter. */
  rate(key: string): string {
    return `${this.prefix}rate:${key}`;
  }
}

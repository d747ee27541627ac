import { describe, expect, it } from "vitest";
import {
  EventLog,
  flatten,
  isLiveBatch,
  SlowConsumerError,
  type SubscribeOptions,
} from "./event-log.js";
import { DeliveryTurns } from "./delivery-turns.js";
import { batchJson, madeBatchJson } from "./event-json.js";
import { EventStamper, type CrewEvent } from "./protocol.js";

function makeEvents(runId: string, deltas: number): CrewEvent[] {
  const stamper = new EventStamper(runId);
  return [
    stamper.stamp({
      type: "run.start",
      crew: "c",
      process: "sequential",
      inputs: {},
      agents: [],
      tasks: [],
    }),
    ...Array.from({ length: deltas }, (_, i) =>
      stamper.stamp({ type: "text.delta", delta: `d${i}` }),
    ),
    stamper.stamp({
      type: "run.end",
      status: "completed",
      usage: { inputTokens: 0, outputTokens: 0 },
      durationMs: 0,
    }),
  ];
}

/** The log's events one by one, as a per-event consumer reads them. */
function eventsOf(
  log: EventLog,
  after?: number,
  options?: SubscribeOptions,
): AsyncGenerator<CrewEvent> {
  return flatten(log.subscribe(after, options));
}

async function collect(iterable: AsyncIterable<CrewEvent>): Promise<number[]> {
  const seqs: number[] = [];
  for await (const event of iterable) seqs.push(event.seq);
  return seqs;
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("EventLog", () => {
  it("replays what it holds, then continues live, and ends after run.end", async () => {
    const events = makeEvents("r", 10);
    const log = new EventLog({ runId: "r" });
    log.append(events.slice(0, 4));
    const all = collect(eventsOf(log, 0));
    const fromMiddle = collect(eventsOf(log, 2));
    await tick();
    log.append(events.slice(4, 9));
    await tick();
    log.append(events.slice(9));
    expect(await all).toEqual(range(1, 12));
    expect(await fromMiddle).toEqual(range(3, 12));
    expect(await collect(eventsOf(log, 12))).toEqual([]);
    expect(await collect(eventsOf(log, 5))).toEqual(range(6, 12));
    expect(log.subscriberCount).toBe(0);
  });

  it("rejects gaps, duplicates, other runs' events, events after run.end and bad cursors", () => {
    const events = makeEvents("r", 2);
    const log = new EventLog({ runId: "r" });
    expect(() => log.append(events.slice(1, 2))).toThrow(/Expected seq 1/);
    log.append(events.slice(0, 1));
    expect(() => log.append(events.slice(0, 1))).toThrow(/Expected seq 2/);
    expect(() => log.append(makeEvents("other", 2).slice(1, 2))).toThrow(/run "other"/);
    log.append(events.slice(1));
    expect(() => log.append(makeEvents("r", 5).slice(4, 5))).toThrow(/cannot follow run.end/);
    expect(() => log.subscribe(-1)).toThrow(expect.objectContaining({ code: "bad_cursor" }));
    expect(() => log.subscribe(1.5)).toThrow(expect.objectContaining({ code: "bad_cursor" }));
    expect(log.lastSeq).toBe(4);
    expect(log.ended).toBe(true);
  });

  it("delivers every event exactly once in order to subscribers joining at random points of concurrent publishing", async () => {
    const events = makeEvents("r", 1500);
    const durable: CrewEvent[] = [];
    // A store that answers after a random delay, like a real one.
    const read = async (after: number, limit: number): Promise<CrewEvent[]> => {
      for (let i = Math.floor(Math.random() * 3); i > 0; i--) await tick();
      return durable.slice(after, after + limit);
    };
    const log = new EventLog({ runId: "r", read, pageSize: 37 });
    const subscriptions: { after: number; seqs: Promise<number[]> }[] = [];
    let next = 0;
    while (next < events.length) {
      const batch = events.slice(next, next + 1 + Math.floor(Math.random() * 8));
      next += batch.length;
      durable.push(...batch);
      // Sometimes a reader sees the store before the batch is published.
      if (Math.random() < 0.3) {
        const after = Math.floor(Math.random() * (durable.length + 1));
        subscriptions.push({ after, seqs: collect(eventsOf(log, after)) });
      }
      log.publish(batch);
      if (Math.random() < 0.2) {
        const after = Math.floor(Math.random() * (log.lastSeq + 1));
        subscriptions.push({ after, seqs: collect(eventsOf(log, after)) });
      }
      if (Math.random() < 0.5) await tick();
    }
    expect(subscriptions.length).toBeGreaterThan(20);
    for (const { after, seqs } of subscriptions)
      expect(await seqs).toEqual(range(after + 1, events.length));
  });

  it("drops a slow subscriber without holding back a fast one, and the slow one resumes from its cursor", async () => {
    const events = makeEvents("r", 200);
    const log = new EventLog({ runId: "r" });
    log.append(events.slice(0, 1));
    const fast = collect(eventsOf(log, 0));
    const slow = eventsOf(log, 0, { highWaterMark: 10 });
    expect((await slow.next()).value).toMatchObject({ seq: 1 });
    // The slow subscriber has caught up and waits live when the burst comes, then stops pulling.
    const second = slow.next();
    await tick();
    for (let i = 1; i < events.length; i += 5) {
      log.append(events.slice(i, i + 5));
      await tick();
    }
    expect(await fast).toEqual(range(1, 202));
    expect((await second).value).toMatchObject({ seq: 2 });
    // It still gets the rest of the batch it had already taken, then the error with its cursor.
    const seen = [2];
    const error = await (async () => {
      try {
        for (;;) {
          const next = await slow.next();
          if (next.done) return undefined;
          seen.push(next.value.seq);
        }
      } catch (thrown: unknown) {
        return thrown;
      }
    })();
    expect(seen).toEqual(range(2, seen.at(-1)!));
    expect(seen.length).toBeLessThanOrEqual(5);
    expect(error).toBeInstanceOf(SlowConsumerError);
    expect(error).toMatchObject({ code: "slow_consumer", cursor: seen.at(-1) });
    expect(await collect(eventsOf(log, (error as SlowConsumerError).cursor))).toEqual(
      range(seen.at(-1)! + 1, 202),
    );
  });

  it("ends a subscription quietly when its signal aborts, and fails every subscription with the log's error", async () => {
    const log = new EventLog({ runId: "r" });
    const events = makeEvents("r", 3);
    log.append(events.slice(0, 2));
    const controller = new AbortController();
    const aborted = collect(eventsOf(log, 0, { signal: controller.signal }));
    const failing = collect(eventsOf(log, 0));
    await tick();
    controller.abort();
    expect(await aborted).toEqual([1, 2]);
    log.fail(new SlowConsumerError(0));
    await expect(failing).rejects.toMatchObject({ code: "slow_consumer" });
  });

  it("hands every live subscriber the same batch, trimmed only for a subscriber behind it", async () => {
    const events = makeEvents("r", 6);
    const log = new EventLog({ runId: "r" });
    log.append(events.slice(0, 2));
    const a = log.subscribe(2);
    const b = log.subscribe(2);
    const nextA = a.next();
    const nextB = b.next();
    await tick();
    log.append(events.slice(2, 5));
    const [batchA, batchB] = [(await nextA).value, (await nextB).value];
    expect(batchA?.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(batchA).toBe(batchB);
    expect(Object.isFrozen(batchA)).toBe(true);
    // A replay from the middle of what is stored starts exactly after its cursor.
    const late = log.subscribe(3);
    expect((await late.next()).value?.map((e) => e.seq)).toEqual([4, 5]);
    await late.return(undefined);
    log.append(events.slice(5));
    expect((await a.next()).value?.map((e) => e.seq)).toEqual([6, 7, 8]);
    expect((await a.next()).done).toBe(true);
    await b.return(undefined);
    expect(log.subscriberCount).toBe(0);
  });
});

describe("isLiveBatch", () => {
  it("tells the batches a run published to live subscribers from replayed pages", async () => {
    const events = makeEvents("run-live", 6);
    const log = new EventLog();
    log.append(events.slice(0, 3));
    // Joins after three events: replays them, then gets the rest live.
    const batches: Array<readonly CrewEvent[]> = [];
    const reading = (async () => {
      for await (const batch of log.subscribe(0)) batches.push(batch);
    })();
    await new Promise((resolve) => setImmediate(resolve));
    log.append(events.slice(3));
    await reading;
    expect(batches.map((batch) => batch.map((event) => event.seq))).toEqual([
      [1, 2, 3],
      events.slice(3).map((event) => event.seq),
    ]);
    expect(batches.map((batch) => isLiveBatch(batch))).toEqual([false, true]);
  });
});

describe("EventLog delivery turns", () => {
  /** `count` subscribers waiting live after `after`, each recording the batches it takes. */
  async function waitingSubscribers(log: EventLog, count: number, after: number) {
    const taken = Array.from({ length: count }, () => [] as Array<readonly CrewEvent[]>);
    const done = taken.map(async (batches) => {
      for await (const batch of log.subscribe(after)) batches.push(batch);
    });
    await tick();
    return { taken, done };
  }

  it("hands a batch to waiting subscribers inside publish while the turn's slice lasts, the rest in later turns", async () => {
    const events = makeEvents("r", 4);
    const log = new EventLog({ runId: "r", turns: new DeliveryTurns({ perSlice: 2 }) });
    log.append(events.slice(0, 1));
    const { taken, done } = await waitingSubscribers(log, 3, 1);
    log.append(events.slice(1));
    const handed = (): number => taken.filter((batches) => batches.length > 0).length;
    // No turn of the event loop yet: only promise reactions ran.
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(handed()).toBe(2);
    // Those two used this turn's slice; the third has the next turn's.
    await tick();
    expect(handed()).toBe(2);
    await tick();
    expect(handed()).toBe(3);
    await Promise.all(done);
    expect(taken.map((batches) => batches.flat().map((e) => e.seq))).toEqual(
      taken.map(() => range(2, 6)),
    );
  });

  it("drops no subscriber handed a batch inside publish for a burst published before it takes", async () => {
    const events = makeEvents("r", 41);
    const log = new EventLog({ runId: "r", highWaterMark: 10 });
    log.append(events.slice(0, 1));
    const { taken, done } = await waitingSubscribers(log, 1, 1);
    // One synchronous burst: the subscriber is handed the first batch at once and runs after.
    for (let i = 1; i < events.length; i += 4) log.append(events.slice(i, i + 4));
    await Promise.all(done);
    expect(taken[0]!.flat().map((e) => e.seq)).toEqual(range(2, 43));
  });

  it("hands a published batch to waiting subscribers a slice per turn of the event loop", async () => {
    const events = makeEvents("r", 4);
    const log = new EventLog({ runId: "r", turns: new DeliveryTurns({ perSlice: 2, atOnce: 0 }) });
    log.append(events.slice(0, 1));
    const { taken, done } = await waitingSubscribers(log, 5, 1);
    log.append(events.slice(1));
    const handed = (): number => taken.filter((batches) => batches.length > 0).length;
    expect(handed()).toBe(0);
    await tick();
    expect(handed()).toBe(2);
    await tick();
    expect(handed()).toBe(4);
    await Promise.all(done);
    expect(taken.map((batches) => batches.flat().map((e) => e.seq))).toEqual(
      taken.map(() => range(2, 6)),
    );
  });

  it("gives batches published before a subscriber's turn as one batch, the same for all, with the store's JSON", async () => {
    const events = makeEvents("r", 10);
    const turns = new DeliveryTurns({ perSlice: 10, atOnce: 0 });
    const log = new EventLog({ runId: "r", turns });
    log.append(events.slice(0, 1));
    const { taken, done } = await waitingSubscribers(log, 3, 1);
    const parts = [events.slice(1, 4), events.slice(4, 8), events.slice(8)];
    for (const part of parts) {
      batchJson(part);
      log.append(part);
    }
    expect(log.undelivered).toBe(11);
    await log.delivered();
    expect(log.undelivered).toBe(0);
    await Promise.all(done);
    const [first, ...others] = taken.map((batches) => batches);
    expect(first).toHaveLength(1);
    const joined = first![0]!;
    expect(joined.map((e) => e.seq)).toEqual(range(2, 12));
    for (const batches of others) expect(batches[0]).toBe(joined);
    expect(isLiveBatch(joined)).toBe(true);
    expect(Object.isFrozen(joined)).toBe(true);
    expect(madeBatchJson(joined)).toEqual(joined.map((event) => JSON.stringify(event)));
  });

  it("drops no subscriber for what piles up while it waits for its turn, only one that does not take", async () => {
    const events = makeEvents("r", 60);
    const log = new EventLog({ runId: "r", highWaterMark: 10 });
    log.append(events.slice(0, 1));
    const waiting = collect(eventsOf(log, 1));
    const stuck = log.subscribe(1);
    const first = stuck.next();
    await tick();
    // Both wait; 40 events come before either has its turn.
    for (let i = 1; i < 41; i += 4) log.append(events.slice(i, i + 4));
    expect((await first).value?.map((e) => e.seq)).toEqual(range(2, 41));
    // The stuck one took its batch and takes nothing more: what comes next piles up for it.
    for (let i = 41; i < events.length; i += 4) {
      log.append(events.slice(i, i + 4));
      await tick();
    }
    expect(await waiting).toEqual(range(2, 62));
    await expect(stuck.next()).rejects.toMatchObject({ code: "slow_consumer", cursor: 41 });
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { EventStamper, type CrewEvent } from "../events/index.js";
import { MemoryRunStore, SqliteRunStore, type RunStore } from "../store/index.js";
import { RunWriter } from "./run-writer.js";

const root = mkdtempSync(join(tmpdir(), "crewstream-writer-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Lets the microtasks queued so far run, without ever reaching the next turn of the event loop. */
async function microtasks(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

/**
 * Feeds `count` text deltas to a writer the way a parsed burst arrives: one per microtask hop,
 * the clock moving 0.25 ms per event, all in one turn of the event loop. Answers, per event,
 * the burst step at which it was published.
 */
async function burst(store: RunStore, clock: { now: number }, count: number) {
  await store.createRun({ id: "r", crew: "demo", inputs: {}, status: "running" });
  const stamper = new EventStamper("r");
  let step = 0;
  const publishedAt = new Map<number, number>();
  const order: number[] = [];
  const writer = new RunWriter(
    "r",
    store,
    0,
    {
      publish: (batch: readonly CrewEvent[]) => {
        for (const event of batch) {
          publishedAt.set(event.seq, step);
          order.push(event.seq);
        }
      },
      fail: (error) => {
        throw error;
      },
    },
    1000,
    { maxDelayMs: 1, now: () => clock.now },
  );
  let turnEnded = false;
  const nextTurn = new Promise<void>((resolve) =>
    setImmediate(() => {
      turnEnded = true;
      resolve();
    }),
  );
  for (step = 0; step < count; step++) {
    writer.enqueue(stamper.stamp({ type: "text.delta", delta: `${step} ` }));
    clock.now += 0.25;
    await microtasks();
  }
  const endOfBurst = step;
  expect(turnEnded).toBe(false);
  await writer.drained();
  await nextTurn;
  return { publishedAt, order, endOfBurst };
}

let dbs = 0;
for (const [name, open] of [
  [
    "SQLite",
    (clock: { now: number }) =>
      new SqliteRunStore({
        path: join(root, `burst-${dbs++}.db`),
        maxDelayMs: 2,
        now: () => clock.now,
      }),
  ],
  ["memory", () => new MemoryRunStore()],
] as const) {
  it(`publishes a ${name} run's burst in order while it is still arriving, each event within a few ms`, async () => {
    const clock = { now: 0 };
    const store = open(clock);
    const { publishedAt, order, endOfBurst } = await burst(store, clock, 200);
    expect(order).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    // Delivered during the burst, not after it: every event within 3 ms of clock (12 steps of
    // 0.25 ms; the store commits once the oldest pending event is 2 ms old).
    for (let seq = 1; seq <= 188; seq++) {
      expect(publishedAt.get(seq)! - (seq - 1)).toBeLessThanOrEqual(12);
      expect(publishedAt.get(seq)).toBeLessThan(endOfBurst);
    }
    // And durable: the store has everything that was published.
    expect((await store.readEvents("r", 0)).length).toBe(200);
    await store.close();
  });
}

it("publishes nothing more after a failed append, and no batch before the one it follows", async () => {
  const store = new MemoryRunStore();
  await store.createRun({ id: "f", crew: "demo", inputs: {}, status: "running" });
  const stamper = new EventStamper("f");
  const published: number[] = [];
  const failures: string[] = [];
  let clock = 0;
  const writer = new RunWriter(
    "f",
    store,
    0,
    {
      publish: (batch) => published.push(...batch.map((event) => event.seq)),
      fail: (error) => failures.push(error.code),
    },
    1000,
    { maxDelayMs: 1, now: () => clock },
  );
  writer.enqueue(stamper.stamp({ type: "text.delta", delta: "1" }));
  // Skips seq 3: the store refuses the second batch, handed off while the first is in flight.
  const skipped = new EventStamper("f", 3);
  clock = 2;
  writer.enqueue(skipped.stamp({ type: "text.delta", delta: "4" }));
  clock = 4;
  writer.enqueue(skipped.stamp({ type: "text.delta", delta: "5" }));
  await writer.drained();
  expect(published).toEqual([1]);
  expect(failures).toEqual(["conflict"]);
  expect(writer.failure).toBeDefined();
  await store.close();
});

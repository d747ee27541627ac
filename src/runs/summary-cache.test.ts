import { expect, it } from "vitest";
import { EventStamper, summarize, type CrewEvent } from "../events/index.js";
import { ONE_TASK_START } from "../events/test-support/one-task-run.js";
import { MemoryRunStore, type RunStore } from "../store/index.js";
import { SummaryCache } from "./summary-cache.js";

/** A memory store that records the cursor of every event read. */
function countingStore(): { store: RunStore; reads: number[] } {
  const inner = new MemoryRunStore();
  const reads: number[] = [];
  const store: RunStore = {
    createRun: (run) => inner.createRun(run),
    getRun: (id) => inner.getRun(id),
    findRunIds: (prefix, limit) => inner.findRunIds(prefix, limit),
    listRuns: (options) => inner.listRuns(options),
    updateRun: (id, patch) => inner.updateRun(id, patch),
    appendEvents: (id, events) => inner.appendEvents(id, events),
    listUnfinished: () => inner.listUnfinished(),
    listBatch: (batchId) => inner.listBatch(batchId),
    listThreads: (options) => inner.listThreads(options),
    getThread: (id) => inner.getThread(id),
    renameThread: (id, title) => inner.renameThread(id, title),
    deleteThread: (id) => inner.deleteThread(id),
    close: () => inner.close(),
    readEvents: (id, after, limit) => {
      reads.push(after);
      return inner.readEvents(id, after, limit);
    },
  };
  return { store, reads };
}

function script(runId: string): CrewEvent[] {
  const s = new EventStamper(runId);
  const at = { agent: "a", task: "t" };
  return [
    s.stamp(ONE_TASK_START),
    s.stamp({ type: "task.start", ...at, index: 0, total: 1, description: "Do it" }),
    s.stamp({ type: "text.delta", ...at, delta: "hello " }),
    s.stamp({ type: "text.delta", ...at, delta: "world" }),
    s.stamp({
      type: "task.end",
      ...at,
      output: "hello world",
      usage: { inputTokens: 1, outputTokens: 2 },
      durationMs: 1,
    }),
    s.stamp({
      type: "run.end",
      status: "completed",
      result: "hello world",
      usage: { inputTokens: 1, outputTokens: 2 },
      durationMs: 2,
    }),
  ];
}

it("folds only the events stored since the last call, and none for an unchanged run", async () => {
  const { store, reads } = countingStore();
  const cache = new SummaryCache(store);
  const events = script("r");
  await store.createRun({ id: "r", crew: "c", inputs: {}, status: "running" });
  await store.appendEvents("r", events.slice(0, 3));
  const early = await cache.details((await store.getRun("r"))!);
  expect(early.summary).toEqual(summarize(events.slice(0, 3)));
  expect(reads[0]).toBe(0);

  await store.appendEvents("r", events.slice(3));
  reads.length = 0;
  const done = await cache.details((await store.getRun("r"))!);
  expect(done).toMatchObject({ status: "completed", lastSeq: 6 });
  expect(done.summary).toEqual(summarize(events));
  expect(reads).toEqual([3]);

  reads.length = 0;
  expect(await cache.details((await store.getRun("r"))!)).toEqual(done);
  expect(reads).toEqual([]);
});

it("keeps two concurrent calls from folding an event twice", async () => {
  const { store } = countingStore();
  const cache = new SummaryCache(store);
  const events = script("r");
  await store.createRun({ id: "r", crew: "c", inputs: {}, status: "running" });
  await store.appendEvents("r", events);
  const record = (await store.getRun("r"))!;
  const [a, b] = await Promise.all([cache.details(record), cache.details(record)]);
  expect(a.summary).toEqual(summarize(events));
  expect(b.summary).toEqual(summarize(events));
});

it("forgets the least recently used runs beyond its size and summarises them again", async () => {
  const { store, reads } = countingStore();
  const cache = new SummaryCache(store, 1);
  for (const id of ["a", "b"]) {
    await store.createRun({ id, crew: "c", inputs: {}, status: "running" });
    await store.appendEvents(id, script(id));
  }
  const first = await cache.details((await store.getRun("a"))!);
  await cache.details((await store.getRun("b"))!);
  reads.length = 0;
  expect(await cache.details((await store.getRun("a"))!)).toEqual(first);
  expect(reads).toEqual([0]);
});

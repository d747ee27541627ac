import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EventStamper, type CrewEvent } from "../events/index.js";
import { EventPageCache, PAGE_EVENTS } from "./event-page-cache.js";
import { SqliteRunStore } from "./sqlite-store.js";

let dir: string;
let store: SqliteRunStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "crewstream-pages-"));
  store = new SqliteRunStore({ path: join(dir, "runs.db") });
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

async function runWith(count: number): Promise<{ id: string; stamper: EventStamper }> {
  const id = `run-${count}`;
  await store.createRun({ id, crew: "c", inputs: {}, status: "running" });
  const stamper = new EventStamper(id);
  const events: CrewEvent[] = [
    stamper.stamp({
      type: "run.start",
      crew: "c",
      process: "sequential",
      inputs: {},
      agents: [],
      tasks: [],
    }),
  ];
  while (events.length < count)
    events.push(stamper.stamp({ type: "text.delta", agent: "a", task: "t", delta: "x" }));
  await store.appendEvents(id, events);
  return { id, stamper };
}

describe("SqliteRunStore replay reads", () => {
  it("hand every reader of a run the same event objects, from any cursor", async () => {
    const { id } = await runWith(2_600);
    // A thousand watchers joining the run read the same pages: parsed once, encoded once.
    const first = await store.readEvents(id, 0, 500);
    const again = await store.readEvents(id, 0, 500);
    expect(again).toBe(first);
    const resumed = await store.readEvents(id, 123, 500);
    expect(resumed.map((event) => event.seq)).toEqual(
      Array.from({ length: 500 }, (_, i) => 124 + i),
    );
    expect(resumed[0]).toBe(first[123]);
    expect((await store.readEvents(id, 0, -1)).map((event) => event.seq)).toEqual(
      Array.from({ length: 2_600 }, (_, i) => i + 1),
    );
  });

  it("see the live tail grow, sharing its events: only what was appended since is read", async () => {
    const { id, stamper } = await runWith(PAGE_EVENTS + 10);
    const tail = await store.readEvents(id, PAGE_EVENTS, 500);
    expect(tail).toHaveLength(10);
    // Every watcher reaching the tail gets the same array (encoded once for all of them).
    expect(await store.readEvents(id, PAGE_EVENTS, 500)).toBe(tail);
    await store.appendEvents(id, [
      stamper.stamp({ type: "text.delta", agent: "a", task: "t", delta: "y" }),
    ]);
    const grown = await store.readEvents(id, PAGE_EVENTS, 500);
    expect(grown).toHaveLength(11);
    expect(grown.at(-1)).toMatchObject({ delta: "y" });
    expect(grown[0]).toBe(tail[0]);
    expect(tail).toHaveLength(10);
    expect((await store.readEvents(id, PAGE_EVENTS + 5, 500)).map((event) => event.seq)).toEqual(
      Array.from({ length: 6 }, (_, i) => PAGE_EVENTS + 6 + i),
    );
  });
});

describe("EventPageCache", () => {
  it("falls back to the loader for a log with a gap, and keeps at most maxPages", () => {
    const cache = new EventPageCache(2);
    const event = (seq: number) => ({ seq }) as CrewEvent;
    let loads = 0;
    const gappy = (after: number, limit: number): CrewEvent[] => {
      loads += 1;
      return Array.from({ length: limit }, (_, i) => event(after + 1 + i + (i > 10 ? 1 : 0)));
    };
    expect(cache.read("r", 0, 20, gappy)).toEqual(gappy(0, 20));
    expect(cache.read("r", 15, 5, gappy)).toEqual(gappy(15, 5));
    const full = (after: number, limit: number): CrewEvent[] => {
      loads += 1;
      return Array.from({ length: limit }, (_, i) => event(after + 1 + i));
    };
    loads = 0;
    for (const run of ["a", "b", "c", "a"]) cache.read(run, 0, 10, full);
    // "a" was pushed out by "b" and "c", so it is loaded twice.
    expect(loads).toBe(4);
    cache.read("c", 0, 10, full);
    expect(loads).toBe(4);
  });
});

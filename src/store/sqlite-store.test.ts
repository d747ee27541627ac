import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, expect, it, vi } from "vitest";
import { EventStamper } from "../events/index.js";
import { runStoreContract } from "./run-store.contract.js";
import { SqliteRunStore } from "./sqlite-store.js";
import { SCHEMA_VERSION } from "./sqlite-schema.js";

const root = mkdtempSync(join(tmpdir(), "crewstream-sqlite-"));
let n = 0;
afterAll(() => rmSync(root, { recursive: true, force: true }));

runStoreContract(
  "sqlite",
  async () => {
    const path = join(root, `contract-${n++}`, "runs.db");
    return {
      store: new SqliteRunStore({ path }),
      reopen: async () => new SqliteRunStore({ path }),
    };
  },
  { persistent: true },
);

it("creates the database folder, uses WAL and records the schema version", async () => {
  const path = join(root, "nested", "deeper", "crewstream.db");
  const store = new SqliteRunStore({ path });
  await store.close();
  expect(existsSync(path)).toBe(true);
  const db = new Database(path, { readonly: true });
  expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
  expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
  db.close();
});

it("refuses a database written by a newer schema", () => {
  const path = join(root, "future.db");
  const db = new Database(path);
  db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  db.close();
  expect(() => new SqliteRunStore({ path })).toThrow(/newer than this crewstream/);
});

it("commits appends made together in one batch, rejecting only the bad one", async () => {
  const store = new SqliteRunStore({ path: join(root, "batch.db") });
  await store.createRun({ id: "a", crew: "demo", inputs: {}, status: "running" });
  const stamper = new EventStamper("a");
  const first = stamper.stamp({ type: "text.delta", delta: "1" });
  const second = stamper.stamp({ type: "text.delta", delta: "2" });
  const results = await Promise.allSettled([
    store.appendEvents("a", [first]),
    store.appendEvents("a", [first]),
    store.appendEvents("a", [second]),
  ]);
  expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
  expect((await store.readEvents("a", 0)).map((e) => e.seq)).toEqual([1, 2]);
  await store.close();
  await expect(store.appendEvents("a", [])).rejects.toMatchObject({ code: "conflict" });
});

/** Events committed so far, as another connection to the file sees them. */
function committed(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare("SELECT COUNT(*) AS n FROM events").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

it("commits a burst of appends made in one turn in bounded chunks, before the turn ends", async () => {
  const path = join(root, "burst.db");
  const store = new SqliteRunStore({ path, maxBatchEvents: 10, now: () => 0 });
  await store.createRun({ id: "b", crew: "demo", inputs: {}, status: "running" });
  const stamper = new EventStamper("b");
  const appends: Array<Promise<void>> = [];
  const seen: number[] = [];
  for (let i = 0; i < 95; i++) {
    appends.push(store.appendEvents("b", [stamper.stamp({ type: "text.delta", delta: `${i}` })]));
    seen.push(committed(path));
  }
  // Still in the same turn: the first append (after a quiet spell) is durable at once, then
  // every chunk of 10; the last 4 wait for the timer.
  expect(seen.slice(0, 12)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 11, 11]);
  for (const [i, count] of seen.entries()) expect(i + 1 - count).toBeLessThan(10);
  expect(committed(path)).toBe(91);
  await Promise.all(appends);
  expect(committed(path)).toBe(95);
  await store.close();
});

it("commits at once when an append finds the oldest pending one maxDelayMs old", async () => {
  const path = join(root, "delay.db");
  let clock = 0;
  const store = new SqliteRunStore({ path, maxDelayMs: 1, now: () => clock });
  await store.createRun({ id: "d", crew: "demo", inputs: {}, status: "running" });
  const stamper = new EventStamper("d");
  const append = () => store.appendEvents("d", [stamper.stamp({ type: "text.delta", delta: "x" })]);
  const appends = [append()];
  expect(committed(path)).toBe(1);
  clock = 0.5;
  appends.push(append());
  clock = 1;
  appends.push(append());
  expect(committed(path)).toBe(1);
  clock = 1.5;
  appends.push(append());
  // One transaction with the three pending, inside the append that found the oldest 1 ms old.
  expect(committed(path)).toBe(4);
  await Promise.all(appends);
  expect(committed(path)).toBe(4);
  await store.close();
});

it("commits the first append after a quiet spell at once, and shares transactions while appends keep coming", async () => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  try {
    const path = join(root, "paced.db");
    let clock = 100;
    const store = new SqliteRunStore({ path, maxDelayMs: 2, now: () => clock });
    await store.createRun({ id: "p", crew: "demo", inputs: {}, status: "running" });
    const stamper = new EventStamper("p");
    const append = () =>
      store.appendEvents("p", [stamper.stamp({ type: "text.delta", delta: "x" })]);
    await append();
    expect(committed(path)).toBe(1);
    // A token a millisecond: the next appends wait for the 2 ms timer (never fired here) or for
    // an append that finds the oldest pending one 2 ms old.
    clock += 1;
    const second = append();
    await new Promise((resolve) => setImmediate(resolve));
    expect(committed(path)).toBe(1);
    clock += 1;
    const third = append();
    expect(committed(path)).toBe(1);
    clock += 1;
    const fourth = append();
    expect(committed(path)).toBe(4);
    await Promise.all([second, third, fourth]);
    // The timer commits what is pending when appends stop coming.
    clock += 0.5;
    const last = append();
    vi.advanceTimersByTime(2);
    await last;
    expect(committed(path)).toBe(5);
    await store.close();
  } finally {
    vi.useRealTimers();
  }
});

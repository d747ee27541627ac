import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, expect, it } from "vitest";
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
    if (i % 10 === 9) seen.push(committed(path));
  }
  // Still in the same turn: every full chunk of 10 is durable, the last 5 wait for the turn's end.
  expect(seen).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90]);
  expect(committed(path)).toBe(90);
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
  const appends = [store.appendEvents("d", [stamper.stamp({ type: "text.delta", delta: "a" })])];
  clock = 0.5;
  appends.push(store.appendEvents("d", [stamper.stamp({ type: "text.delta", delta: "b" })]));
  expect(committed(path)).toBe(0);
  clock = 1;
  appends.push(store.appendEvents("d", [stamper.stamp({ type: "text.delta", delta: "c" })]));
  // One transaction with all three, inside the third append.
  expect(committed(path)).toBe(3);
  clock = 1.2;
  appends.push(store.appendEvents("d", [stamper.stamp({ type: "text.delta", delta: "d" })]));
  expect(committed(path)).toBe(3);
  await Promise.all(appends);
  expect(committed(path)).toBe(4);
  await store.close();
});

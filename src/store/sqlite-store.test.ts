import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, expect, it, vi } from "vitest";
import { EventStamper, ZERO_USAGE, type CrewEvent } from "../events/index.js";
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

it("upgrades a database of the first schema in place: its runs stay, threads and memory work", async () => {
  const path = join(root, "first-schema.db");
  const db = new Database(path);
  // The first schema, as the first release wrote it.
  db.exec(`CREATE TABLE runs (
     ord INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, crew TEXT NOT NULL,
     status TEXT NOT NULL, inputs TEXT NOT NULL, created_at TEXT NOT NULL, started_at TEXT,
     ended_at TEXT, last_seq INTEGER NOT NULL DEFAULT 0, ended INTEGER NOT NULL DEFAULT 0,
     result TEXT, error TEXT, source TEXT
   );
   CREATE INDEX runs_by_status ON runs (status, ord);
   CREATE TABLE events (
     run_id TEXT NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL,
     PRIMARY KEY (run_id, seq)
   ) WITHOUT ROWID;`);
  db.prepare(
    `INSERT INTO runs (id, crew, status, inputs, created_at, result, last_seq, ended)
     VALUES ('old', 'demo', 'completed', '{"topic":"bees"}', '2026-01-01T00:00:00.000Z', 'done', 0, 1)`,
  ).run();
  db.pragma("user_version = 1");
  db.close();

  const store = new SqliteRunStore({ path });
  try {
    expect(await store.getRun("old")).toMatchObject({ status: "completed", result: "done" });
    expect((await store.getRun("old"))?.threadId).toBeUndefined();
    await store.createRun({
      id: "new",
      crew: "demo",
      inputs: { topic: "wasps" },
      status: "running",
      threadId: "chat-1",
    });
    expect(await store.getThread("chat-1")).toMatchObject({ title: "wasps", runCount: 1 });
    expect((await store.listThreads()).threads.map((t) => t.threadId)).toEqual(["chat-1"]);
    await store.memory.save("demo", {
      task: "t",
      agent: "a",
      summary: "Wasps build paper nests.",
      inputs: {},
    });
    expect(await store.memory.search("demo", "paper nests", 3)).toHaveLength(1);
  } finally {
    await store.close();
  }
  const check = new Database(path, { readonly: true });
  expect(check.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
  check.close();
});

it("upgrades a database written by schema 4 in place: events keyed by the run's integer key, read back unchanged", async () => {
  const fixtures = join(import.meta.dirname, "fixtures");
  const path = join(root, "schema-4.db");
  copyFileSync(join(fixtures, "schema-4.db"), path);
  const expected = JSON.parse(
    readFileSync(join(fixtures, "schema-4.events.json"), "utf8"),
  ) as Record<string, CrewEvent[]>;
  const before = new Database(path, { readonly: true });
  expect(before.pragma("user_version", { simple: true })).toBe(4);
  before.close();

  const store = new SqliteRunStore({ path });
  try {
    for (const [id, events] of Object.entries(expected)) {
      expect(await store.readEvents(id, 0)).toEqual(events);
      expect((await store.getRun(id))?.lastSeq).toBe(events.length);
    }
    const [finished, open] = Object.keys(expected) as [string, string];
    expect(await store.getRun(finished)).toMatchObject({ status: "completed" });
    // The unfinished run goes on in the new format, after the copied rows.
    const stamper = new EventStamper(open, expected[open]!.length);
    const more = [
      stamper.stamp({ type: "text.delta", agent: "researcher", task: "research", delta: " more" }),
      stamper.stamp({ type: "run.end", status: "completed", usage: ZERO_USAGE, durationMs: 1 }),
    ];
    await store.appendEvents(open, more);
    expect(await store.readEvents(open, 0)).toEqual([...expected[open]!, ...more]);
    // Deleting a thread still takes its runs' events.
    expect(await store.deleteThread("th-1")).toMatchObject({
      deletedEvents: expected[open]!.length + more.length,
    });
  } finally {
    await store.close();
  }
  const after = new Database(path, { readonly: true });
  expect(after.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
  const columns = (after.prepare("PRAGMA table_info(events)").all() as { name: string }[]).map(
    (column) => column.name,
  );
  expect(columns).toEqual(["run", "seq", "data"]);
  const rows = after.prepare("SELECT run, seq FROM events ORDER BY run, seq").all() as {
    run: number;
    seq: number;
  }[];
  expect(rows.every((row) => Number.isInteger(row.run))).toBe(true);
  expect(rows).toHaveLength(expected[Object.keys(expected)[0]!]!.length);
  after.close();
});

it("keeps an event's JSON without the envelope its row's key repeats, and gives back the same JSON", async () => {
  const path = join(root, "compact.db");
  const store = new SqliteRunStore({ path });
  await store.createRun({ id: "compact-run", crew: "demo", inputs: {}, status: "running" });
  const stamper = new EventStamper("compact-run");
  const events = [
    stamper.stamp({ type: "text.delta", agent: "a", task: "t", delta: 'quote " and , comma' }),
    stamper.stamp({ type: "text.delta", agent: "a", task: "t", delta: '{"seq":9}' }),
  ];
  await store.appendEvents("compact-run", events);
  const reader = new Database(path, { readonly: true });
  const rows = reader.prepare("SELECT data FROM events ORDER BY seq").all() as { data: string }[];
  reader.close();
  for (const [i, row] of rows.entries()) {
    expect(row.data.startsWith('"ts":')).toBe(true);
    expect(JSON.stringify(events[i]).endsWith(row.data)).toBe(true);
  }
  const read = await store.readEvents("compact-run", 0);
  expect(read.map((event) => JSON.stringify(event))).toEqual(
    events.map((event) => JSON.stringify(event)),
  );
  await store.close();
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

it("keeps nothing of a batch whose transaction is rolled back, and checks the next appends against what was committed", async () => {
  const path = join(root, "rolled-back.db");
  const store = new SqliteRunStore({ path, now: () => 0 });
  await store.createRun({ id: "a", crew: "demo", inputs: {}, status: "running" });
  await store.createRun({ id: "b", crew: "demo", inputs: {}, status: "running" });
  const a = new EventStamper("a");
  const b = new EventStamper("b");
  const [a1, a2, a3] = [1, 2, 3].map((i) => a.stamp({ type: "text.delta", delta: `a${i}` }));
  const b1 = b.stamp({ type: "text.delta", delta: "b1" });
  await store.appendEvents("a", [a1!]);
  // Another connection makes run b's insert roll the whole transaction back, as SQLite does
  // itself on some errors (a full disk): a2, already written in its savepoint, goes too.
  const other = new Database(path);
  other.exec(`CREATE TRIGGER refuse_b BEFORE INSERT ON events
    WHEN NEW.run = (SELECT ord FROM runs WHERE id = 'b')
    BEGIN SELECT RAISE(ROLLBACK, 'refused'); END`);
  const results = await Promise.allSettled([
    store.appendEvents("a", [a2!]),
    store.appendEvents("b", [b1]),
    store.appendEvents("a", [a3!]),
  ]);
  expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected"]);
  // Nothing of the batch reached the file, not even the append after the failing one.
  expect(committed(path)).toBe(1);
  other.exec("DROP TRIGGER refuse_b");
  other.close();
  await store.appendEvents("a", [a2!, a3!]);
  await store.appendEvents("b", [b1]);
  expect((await store.readEvents("a", 0)).map((e) => e.seq)).toEqual([1, 2, 3]);
  expect((await store.getRun("a"))?.lastSeq).toBe(3);
  expect((await store.getRun("b"))?.lastSeq).toBe(1);
  await store.close();
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

it("commits at once an append that ends a task or the run: its producer pauses or stops there", async () => {
  const path = join(root, "ends.db");
  const store = new SqliteRunStore({ path, now: () => 0 });
  await store.createRun({ id: "e", crew: "demo", inputs: {}, status: "running" });
  const stamper = new EventStamper("e");
  const appends = [
    store.appendEvents("e", [stamper.stamp({ type: "text.delta", delta: "first" })]),
  ];
  expect(committed(path)).toBe(1);
  appends.push(store.appendEvents("e", [stamper.stamp({ type: "text.delta", delta: "x" })]));
  expect(committed(path)).toBe(1);
  appends.push(
    store.appendEvents("e", [
      stamper.stamp({
        type: "task.end",
        task: "t",
        agent: "a",
        output: "x",
        usage: ZERO_USAGE,
        durationMs: 1,
      }),
    ]),
  );
  expect(committed(path)).toBe(3);
  appends.push(store.appendEvents("e", [stamper.stamp({ type: "text.delta", delta: "y" })]));
  expect(committed(path)).toBe(3);
  appends.push(
    store.appendEvents("e", [
      stamper.stamp({ type: "run.end", status: "completed", durationMs: 1, usage: ZERO_USAGE }),
    ]),
  );
  expect(committed(path)).toBe(5);
  await Promise.all(appends);
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

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

it("commits appends made together in one batch, rejecting only the bad one", async () => {
  const store = new SqliteRunStore({ path: join(root, "batch.db"), flushMs: 20 });
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

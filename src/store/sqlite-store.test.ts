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

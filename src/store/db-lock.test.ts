import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { acquireDbLock } from "./db-lock.js";
import { SqliteRunStore } from "./sqlite-store.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "crewstream-db-lock-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A pid no process has: above Linux's largest pid_max. */
const DEAD_PID = 4_194_305;

describe("acquireDbLock", () => {
  it("lets one holder in, refuses the next while it lives, and frees the file on release", () => {
    const db = join(dir, "runs.db");
    const lock = acquireDbLock(db);
    expect(() => acquireDbLock(db)).toThrow(
      new RegExp(`${db} is in use by process ${process.pid} on ${hostname()}`),
    );
    lock.release();
    acquireDbLock(db).release();
  });

  it("takes over a lock whose holder is dead, but not one held on another host", async () => {
    const db = join(dir, "runs.db");
    const stale = { pid: DEAD_PID, host: hostname(), startedAt: "2026-01-01T00:00:00.000Z" };
    await writeFile(`${db}.lock`, JSON.stringify(stale));
    const lock = acquireDbLock(db);
    expect(JSON.parse(await readFile(lock.path, "utf8"))).toMatchObject({ pid: process.pid });
    lock.release();

    await writeFile(`${db}.lock`, JSON.stringify({ ...stale, host: "elsewhere" }));
    expect(() => acquireDbLock(db)).toThrow(/in use by process 4194305 on elsewhere/);
  });

  it("is held by a locking SqliteRunStore but not by readers", async () => {
    const path = join(dir, "runs.db");
    const server = new SqliteRunStore({ path, lock: true });
    expect(() => new SqliteRunStore({ path, lock: true })).toThrow(/is in use by/);
    const reader = new SqliteRunStore({ path });
    await expect(reader.listRuns()).resolves.toEqual({ runs: [] });
    await reader.close();
    await server.close();
    await new SqliteRunStore({ path, lock: true }).close();
  });
});

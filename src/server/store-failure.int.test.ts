import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { CrewEvent } from "../events/index.js";
import { SqliteRunStore } from "../store/index.js";
import type { NewRun, RunRecord, RunStore } from "../store/index.js";
import { collectSse, readSse } from "./test-support/sse-client.js";
import { startTestServer, type TestServer } from "./test-support/test-server.js";
import { TestSocket } from "./test-support/ws-client.js";

/**
 * A real SQLite store whose writes fail like a full disk while `full` is set (SQLite answers
 * SQLITE_FULL to writes and still serves reads).
 */
class FillableStore implements RunStore {
  full = false;
  constructor(readonly inner: SqliteRunStore) {}
  #check(): void {
    if (this.full)
      throw Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" });
  }
  async createRun(run: NewRun): Promise<RunRecord> {
    this.#check();
    return this.inner.createRun(run);
  }
  getRun(id: string) {
    return this.inner.getRun(id);
  }
  listRuns(...args: Parameters<RunStore["listRuns"]>) {
    return this.inner.listRuns(...args);
  }
  findRunIds(...args: Parameters<RunStore["findRunIds"]>) {
    return this.inner.findRunIds(...args);
  }
  listBatch(...args: Parameters<RunStore["listBatch"]>) {
    return this.inner.listBatch(...args);
  }
  async updateRun(...args: Parameters<RunStore["updateRun"]>) {
    this.#check();
    return this.inner.updateRun(...args);
  }
  async appendEvents(runId: string, events: readonly CrewEvent[]) {
    this.#check();
    return this.inner.appendEvents(runId, events);
  }
  readEvents(...args: Parameters<RunStore["readEvents"]>) {
    return this.inner.readEvents(...args);
  }
  listUnfinished() {
    return this.inner.listUnfinished();
  }
  listThreads(...args: Parameters<RunStore["listThreads"]>) {
    return this.inner.listThreads(...args);
  }
  getThread(...args: Parameters<RunStore["getThread"]>) {
    return this.inner.getThread(...args);
  }
  async renameThread(...args: Parameters<RunStore["renameThread"]>) {
    this.#check();
    return this.inner.renameThread(...args);
  }
  async deleteThread(...args: Parameters<RunStore["deleteThread"]>) {
    this.#check();
    return this.inner.deleteThread(...args);
  }
  close() {
    return this.inner.close();
  }
}

let server: TestServer | undefined;
let dir: string | undefined;
afterEach(async () => {
  await server?.cleanup();
  if (dir) await rm(dir, { recursive: true, force: true });
  server = undefined;
  dir = undefined;
});

async function until(check: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("a store that fails writes", { timeout: 60_000 }, () => {
  it("fails live watchers, refuses new runs, reports degraded health, and ends the runs once it recovers", async () => {
    dir = await mkdtemp(join(tmpdir(), "crewstream-full-"));
    const store = new FillableStore(new SqliteRunStore({ path: join(dir, "runs.db") }));
    server = await startTestServer({
      store,
      tokenMs: 20,
      maxConcurrentRuns: 4,
      storeRetry: { retryMinMs: 20, retryMaxMs: 100 },
    });
    const runIds: string[] = [];
    for (let i = 0; i < 3; i++) {
      const started = await server.post("/api/runs", { crew: "duo", inputs: { topic: `t${i}` } });
      expect(started.status).toBe(202);
      runIds.push(((await started.json()) as { runId: string }).runId);
    }
    // One live SSE watcher per run, each having seen the run going.
    const watchers = await Promise.all(
      runIds.map(async (runId) => {
        const response = await server!.api(`/api/runs/${runId}/events`);
        const reader = readSse(response.body!);
        const first = await reader.next();
        expect(first.value?.crewEvent.type).toBe("run.start");
        // Wrapped, so awaiting the watcher's start does not await its end.
        const rest = (async () => {
          const seen: CrewEvent[] = [];
          try {
            for await (const message of reader) seen.push(message.crewEvent);
          } catch {
            // A cut stream is how an SSE watcher learns of the failure.
          }
          return seen;
        })();
        return { rest };
      }),
    );

    // And one WebSocket watcher.
    const socket = await TestSocket.open(`${server.url.replace("http", "ws")}/api/ws`);
    socket.send({ type: "subscribe", id: "w", runId: runIds[0] });
    await socket.next((m) => m.type === "ack");

    store.full = true;
    // Every watcher ends promptly, none with a run.end the store never took.
    const ended = await Promise.race([
      Promise.all(watchers.map((watcher) => watcher.rest)),
      new Promise<"hung">((resolve) => setTimeout(() => resolve("hung"), 10_000)),
    ]);
    expect(ended).not.toBe("hung");
    for (const seen of ended as CrewEvent[][])
      expect(seen.some((event) => event.type === "run.end")).toBe(false);

    expect(await socket.next((m) => m.type === "error")).toMatchObject({
      code: "store_error",
      runId: runIds[0],
    });
    await socket.close();

    const health = await server.api("/api/health");
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({
      ok: false,
      store: { status: "degraded", failingRuns: 3, error: { code: "store_error" } },
    });
    const refused = await server.post("/api/runs", { crew: "duo", inputs: { topic: "more" } });
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ error: { code: "store_error" } });

    store.full = false;
    await until(async () => (await server!.api("/api/health")).status === 200, 5_000);
    for (const runId of runIds) {
      const record = (await (await server.api(`/api/runs/${runId}`)).json()) as RunRecord;
      expect(record).toMatchObject({ status: "failed", error: { code: "store_error" } });
      const events = await collectSse(await server.api(`/api/runs/${runId}/events`));
      expect(events.map((event) => event.seq)).toEqual(events.map((_, i) => i + 1));
      expect(events.filter((event) => event.type === "run.end")).toHaveLength(1);
      expect(events.at(-1)).toMatchObject({ type: "run.end", status: "failed" });
    }
    const again = await server.post("/api/runs", { crew: "duo", inputs: { topic: "again" } });
    expect(again.status).toBe(202);
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { CrewError, ErrorCode, summarize, type CrewEvent } from "../events/index.js";
import { SqliteRunStore } from "../store/index.js";
import type { CrewRunner } from "./crew-runner.js";
import {
  gate,
  scriptedRunner,
  type ScriptedRunnerOptions,
} from "./test-support/scripted-runner.js";
import { RunManager, type RunManagerOptions } from "./run-manager.js";
import { runEvents } from "./test-support/run-events.js";

const root = mkdtempSync(join(tmpdir(), "crewstream-runs-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dbs = 0;
const open: Array<{ manager: RunManager; store: SqliteRunStore }> = [];
afterEach(async () => {
  for (const { manager, store } of open.splice(0)) {
    await manager.close();
    await store.close();
  }
});

/** A manager on a real SQLite file whose crews are scripted runners by name. */
function setup(
  crews: Record<string, ScriptedRunnerOptions | CrewRunner>,
  options: Partial<RunManagerOptions> = {},
) {
  const store = new SqliteRunStore({ path: join(root, `runs-${dbs++}.db`), maxDelayMs: 2 });
  const logger = { error: vi.fn() };
  const manager = new RunManager({
    store,
    logger,
    resolveRunner: async (name) => {
      const crew = crews[name ?? "default"];
      if (!crew) throw new CrewError(ErrorCode.CREW_NOT_FOUND, `No crew named "${name}".`);
      return "stream" in crew ? crew : scriptedRunner({ name: name ?? "default", ...crew });
    },
    ...options,
  });
  open.push({ manager, store });
  return { manager, store, logger };
}

async function collect(events: AsyncIterable<CrewEvent>): Promise<CrewEvent[]> {
  const all: CrewEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

function expectWholeRun(events: CrewEvent[], status: string): void {
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  expect(events[0]?.type).toBe("run.start");
  expect(events.filter((e) => e.type === "run.end")).toHaveLength(1);
  expect(events.at(-1)).toMatchObject({ type: "run.end", status });
}

describe("RunManager.start", () => {
  it("checks the crew and inputs before any run exists", async () => {
    const { manager } = setup({ default: { required: ["topic"] } });
    await expect(manager.start({ crew: "nope", inputs: {} })).rejects.toMatchObject({
      code: "crew_not_found",
    });
    await expect(manager.start({ inputs: { topic: { nested: true } } })).rejects.toMatchObject({
      code: "bad_request",
    });
    await expect(manager.start({ inputs: ["x"] })).rejects.toMatchObject({ code: "bad_request" });
    await expect(
      manager.start({ inputs: { topic: "x" }, onDisconnect: "later" as "cancel" }),
    ).rejects.toMatchObject({ code: "bad_request" });
    await expect(manager.start({ inputs: { other: 1 } })).rejects.toMatchObject({
      code: "missing_input",
      message: expect.stringContaining('"topic"'),
    });
    expect((await manager.list()).runs).toEqual([]);
  });

  it("runs in the background, stores every event, and serves them from any cursor", async () => {
    const { manager } = setup({ default: { deltas: 50 } });
    const record = await manager.start({
      inputs: { topic: "otters", n: 2, ok: true },
      source: "cli",
    });
    expect(record).toMatchObject({
      crew: "default",
      status: "running",
      inputs: { topic: "otters", n: 2, ok: true },
      source: "cli",
    });
    const live = await collect(runEvents(manager, record.id));
    expectWholeRun(live, "completed");
    expect(live).toHaveLength(54);
    expect(await collect(runEvents(manager, record.id))).toEqual(live);
    expect(await collect(runEvents(manager, record.id, { after: 40 }))).toEqual(live.slice(40));
    expect(await collect(runEvents(manager, record.id, { after: 54 }))).toEqual([]);
    const details = await manager.get(record.id);
    expect(details).toMatchObject({
      status: "completed",
      result: "done",
      lastSeq: 54,
      summary: { status: "completed", tasks: [{ key: "t", status: "completed" }] },
    });
    // A finished run's summary is the summary of its whole log, the same on every call.
    expect(details?.summary).toEqual(summarize(live));
    expect(await manager.get(record.id)).toEqual(details);
    expect((await manager.list()).runs.map((r) => r.id)).toEqual([record.id]);
  });

  it("rejects unknown runs and bad cursors before yielding", async () => {
    const hold = gate();
    const { manager } = setup({ default: { hold: hold.promise } });
    const { id } = await manager.start({});
    const first = runEvents(manager, id);
    const runStart = (await first.next()).value as CrewEvent;
    expect(runStart).toMatchObject({ seq: 1 });
    await expect(runEvents(manager, "missing").next()).rejects.toMatchObject({
      code: "run_not_found",
    });
    await expect(runEvents(manager, id, { after: -1 }).next()).rejects.toMatchObject({
      code: "bad_cursor",
    });
    await expect(runEvents(manager, id, { after: 0.5 }).next()).rejects.toMatchObject({
      code: "bad_cursor",
    });
    await expect(manager.openEvents(id, { after: 999 })).rejects.toMatchObject({
      code: "bad_cursor",
    });
    expect(await manager.get("missing")).toBeUndefined();
    hold.open();
    expectWholeRun([runStart, ...(await collect(first))], "completed");
  });
});

describe("RunManager queueing and cancel", () => {
  it("runs at most maxConcurrentRuns at once and starts queued runs in FIFO order", async () => {
    const started: string[] = [];
    const holds = [gate(), gate(), gate(), gate()];
    const crews = Object.fromEntries(
      holds.map((h, i) => [`c${i}`, { hold: h.promise, onStart: () => started.push(`c${i}`) }]),
    );
    const { manager } = setup(crews, { maxConcurrentRuns: 2 });
    const runs = [];
    for (let i = 0; i < 4; i++) runs.push(await manager.start({ crew: `c${i}` }));
    expect(runs.map((r) => r.status)).toEqual(["running", "running", "queued", "queued"]);
    await vi.waitFor(() => expect(started).toEqual(["c0", "c1"]));
    expect((await manager.list({ status: "queued" })).runs.map((r) => r.crew)).toEqual([
      "c3",
      "c2",
    ]);
    holds[1]!.open();
    await collect(runEvents(manager, runs[1]!.id));
    await vi.waitFor(() => expect(started).toEqual(["c0", "c1", "c2"]));
    holds[0]!.open();
    await vi.waitFor(() => expect(started).toEqual(["c0", "c1", "c2", "c3"]));
    holds[2]!.open();
    holds[3]!.open();
    for (const run of runs) expectWholeRun(await collect(runEvents(manager, run.id)), "completed");
  });

  it("cancels a running run: run.end cancelled is durable when cancel resolves", async () => {
    const { manager } = setup({ default: { hold: new Promise(() => undefined) } });
    const { id } = await manager.start({});
    const stream = collect(runEvents(manager, id));
    await vi.waitFor(async () =>
      expect((await manager.get(id))?.lastSeq).toBeGreaterThanOrEqual(5),
    );
    const record = await manager.cancel(id);
    expect(record).toMatchObject({ status: "cancelled" });
    expectWholeRun(await stream, "cancelled");
    expect(await manager.cancel(id)).toMatchObject({ status: "cancelled" });
    await expect(manager.cancel("missing")).rejects.toMatchObject({ code: "run_not_found" });
  });

  it("cancels a queued run without starting it, writing run.start and run.end", async () => {
    const started: string[] = [];
    const hold = gate();
    const { manager } = setup(
      {
        a: { hold: hold.promise, onStart: (id) => started.push(id) },
        b: { onStart: (id) => started.push(id) },
      },
      { maxConcurrentRuns: 1 },
    );
    const a = await manager.start({ crew: "a" });
    const b = await manager.start({ crew: "b" });
    expect(await manager.cancel(b.id)).toMatchObject({
      status: "cancelled",
      error: { code: "cancelled" },
    });
    const events = await collect(runEvents(manager, b.id));
    expectWholeRun(events, "cancelled");
    expect(events.map((e) => e.type)).toEqual(["run.start", "run.end"]);
    expect(events[0]).toMatchObject({ crew: "b", agents: [{ key: "a", role: "Agent" }] });
    hold.open();
    expectWholeRun(await collect(runEvents(manager, a.id)), "completed");
    expect(started).toEqual([a.id]);
  });

  it("ends a crew that ignores cancel after the grace period", async () => {
    const { manager, logger } = setup(
      { default: { hold: new Promise(() => undefined), ignoreAbort: true } },
      { cancelGraceMs: 20 },
    );
    const { id } = await manager.start({});
    await vi.waitFor(async () => expect((await manager.get(id))?.lastSeq).toBe(5));
    expect(await manager.cancel(id)).toMatchObject({ status: "cancelled" });
    expectWholeRun(await collect(runEvents(manager, id)), "cancelled");
    expect(logger.error).toHaveBeenCalledWith(expect.stringContaining("did not stop"));
  });

  it("close() cancels running and queued runs", async () => {
    const { manager } = setup(
      { default: { hold: new Promise(() => undefined) } },
      { maxConcurrentRuns: 1 },
    );
    const a = await manager.start({});
    const b = await manager.start({});
    await manager.close();
    expect((await manager.get(a.id))?.status).toBe("cancelled");
    expect((await manager.get(b.id))?.status).toBe("cancelled");
    await expect(manager.start({})).rejects.toMatchObject({ code: "conflict" });
  });
});

describe("RunManager input, watchers and failures", () => {
  it("passes a human answer to the waiting run", async () => {
    const { manager } = setup({ default: { askInput: true } });
    const { id } = await manager.start({});
    const seen: CrewEvent[] = [];
    for await (const event of runEvents(manager, id)) {
      seen.push(event);
      if (event.type === "input.request") {
        await expect(manager.answer(id, "other", "x")).rejects.toMatchObject({ code: "conflict" });
        expect((await manager.get(id))?.summary.waitingFor).toEqual([
          expect.objectContaining({ requestId: "q1" }),
        ]);
        await manager.answer(id, event.requestId, "looks good");
        await expect(manager.answer(id, event.requestId, "again")).rejects.toMatchObject({
          code: "conflict",
        });
      }
    }
    expectWholeRun(seen, "completed");
    expect(seen.find((e) => e.type === "input.response")).toMatchObject({ text: "looks good" });
    expect(seen.at(-1)).toMatchObject({ result: "done looks good" });
    await expect(manager.answer(id, "q1", "late")).rejects.toMatchObject({ code: "conflict" });
    await expect(manager.answer("missing", "q1", "x")).rejects.toMatchObject({
      code: "run_not_found",
    });
  });

  it("cancels an onDisconnect 'cancel' run when its last watcher leaves, and keeps a 'continue' run going", async () => {
    const hold = gate();
    const { manager } = setup({ default: { hold: hold.promise } });
    const keep = await manager.start({});
    const drop = await manager.start({ onDisconnect: "cancel" });
    const watchers = [manager.watch(keep.id), manager.watch(drop.id), manager.watch(drop.id)];
    for (const w of watchers) w.release();
    watchers[1]!.release();
    expectWholeRun(await collect(runEvents(manager, drop.id)), "cancelled");
    expect((await manager.get(keep.id))?.status).toBe("running");
    hold.open();
    expectWholeRun(await collect(runEvents(manager, keep.id)), "completed");
  });

  it("turns a crew that throws or stops early into one run.end failed", async () => {
    const { manager, logger } = setup({
      throws: { throwAfter: 2 },
      early: { skipEnd: true },
      first: { throwAfter: 0, deltas: 0 },
    });
    const throws = await manager.start({ crew: "throws" });
    const early = await manager.start({ crew: "early" });
    const thrown = await collect(runEvents(manager, throws.id));
    expectWholeRun(thrown, "failed");
    expect(thrown.at(-1)).toMatchObject({
      error: { code: "internal", message: "An internal error occurred." },
    });
    const ended = await collect(runEvents(manager, early.id));
    expectWholeRun(ended, "failed");
    expect(ended.at(-1)).toMatchObject({
      error: { code: "internal" },
      usage: { inputTokens: 10, outputTokens: 3 },
    });
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining("failed"),
      expect.objectContaining({ message: "scripted failure" }),
    );
    expect(logger.error).toHaveBeenCalledWith(expect.stringContaining("without run.end"));
  });

  it("writes run.start itself for a crew that fails before its first event", async () => {
    const broken: CrewRunner = {
      name: "broken",
      stream: () => ({
        [Symbol.asyncIterator]: () => ({
          next: () => Promise.reject(new CrewError(ErrorCode.PROVIDER_ERROR, "provider down")),
        }),
      }),
    };
    const { manager } = setup({ broken });
    const { id } = await manager.start({ crew: "broken" });
    const events = await collect(runEvents(manager, id));
    expectWholeRun(events, "failed");
    expect(events.map((e) => e.type)).toEqual(["run.start", "run.end"]);
    expect(events.at(-1)).toMatchObject({
      error: { code: "provider_error", message: "provider down" },
    });
  });
});

it("lets the event loop turn while a crew streams a burst, so requests arriving meanwhile are served", async () => {
  let accepted = 0;
  let acceptedAtTurn: number | undefined;
  const { manager } = setup(
    { burst: { deltas: 2000, onStart: () => setImmediate(() => (acceptedAtTurn = accepted)) } },
    { observer: { event: () => void (accepted += 1) } },
  );
  const record = await manager.start({ crew: "burst", inputs: {} });
  const events = await collect(runEvents(manager, record.id));
  expectWholeRun(events, "completed");
  expect(accepted).toBe(events.length);
  // The burst is all there at once: without turns it would be taken whole (or until the
  // writer holds the run back, 1,000 events) before anything else the process has to do.
  expect(acceptedAtTurn).toBeDefined();
  expect(acceptedAtTurn).toBeLessThanOrEqual(64);
});

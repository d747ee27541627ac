/**
 * The contract every {@link RunStore} passes. Each implementation's test file calls
 * {@link runStoreContract} with a factory; a new store (e.g. Redis) adds one such file.
 */
import { afterEach, describe, expect, it } from "vitest";
import { EventStamper, type CrewEvent, type EventDraft } from "../events/index.js";
import type { RunStore } from "./run-store.js";

/** A fresh, empty store, and optionally a way to open the same data again after `close()`. */
export interface StoreFixture {
  store: RunStore;
  /** Opens a new store on the same data (the old one is closed first by the suite). */
  reopen?: () => Promise<RunStore>;
}

const runStart = (crew = "demo"): EventDraft => ({
  type: "run.start",
  crew,
  process: "sequential",
  inputs: { topic: "x" },
  agents: [{ key: "a", role: "A" }],
  tasks: [{ key: "t", agent: "a" }],
});
const delta = (text: string): EventDraft => ({
  type: "text.delta",
  agent: "a",
  task: "t",
  delta: text,
});
const runEnd = (status: "completed" | "failed" | "cancelled" = "completed"): EventDraft => ({
  type: "run.end",
  status,
  ...(status === "completed"
    ? { result: "done" }
    : { error: { code: status, message: `run ${status}` } }),
  usage: { inputTokens: 1, outputTokens: 2 },
  durationMs: 3,
});

/** Stamps drafts for `runId` from seq `start + 1`. */
function stamp(runId: string, drafts: EventDraft[], start = 0): CrewEvent[] {
  const stamper = new EventStamper(runId, start);
  return drafts.map((draft) => stamper.stamp(draft));
}

/**
 * Registers the shared {@link RunStore} contract tests for one implementation. Persistent
 * stores also prove that everything survives a close and reopen.
 */
export function runStoreContract(
  name: string,
  create: () => Promise<StoreFixture>,
  options: { persistent?: boolean } = {},
): void {
  describe(`RunStore contract: ${name}`, () => {
    let current: RunStore | undefined;
    const open = async (): Promise<StoreFixture> => {
      const fixture = await create();
      current = fixture.store;
      return fixture;
    };
    afterEach(async () => {
      await current?.close();
      current = undefined;
    });

    it("creates, gets and lists runs newest first with paging and a status filter", async () => {
      const { store } = await open();
      for (let i = 0; i < 7; i++) {
        await store.createRun({
          id: `r${i}`,
          crew: "demo",
          inputs: { i },
          status: i % 2 ? "queued" : "running",
          source: "cli",
        });
      }
      const got = await store.getRun("r3");
      expect(got).toMatchObject({
        id: "r3",
        crew: "demo",
        status: "queued",
        inputs: { i: 3 },
        lastSeq: 0,
        source: "cli",
      });
      expect(Number.isNaN(Date.parse(got?.createdAt ?? ""))).toBe(false);
      expect(await store.getRun("nope")).toBeUndefined();

      const seen: string[] = [];
      let before: string | undefined;
      do {
        const page = await store.listRuns({ limit: 3, ...(before ? { before } : {}) });
        expect(page.runs.length).toBeLessThanOrEqual(3);
        seen.push(...page.runs.map((r) => r.id));
        before = page.nextCursor;
      } while (before);
      expect(seen).toEqual(["r6", "r5", "r4", "r3", "r2", "r1", "r0"]);

      const queued = await store.listRuns({ status: "queued", limit: 2 });
      expect(queued.runs.map((r) => r.id)).toEqual(["r5", "r3"]);
      const rest = await store.listRuns({
        status: "queued",
        limit: 2,
        before: queued.nextCursor ?? "",
      });
      expect(rest.runs.map((r) => r.id)).toEqual(["r1"]);
      expect(rest.nextCursor).toBeUndefined();
      await expect(
        store.createRun({ id: "r1", crew: "demo", inputs: {}, status: "queued" }),
      ).rejects.toMatchObject({ code: "conflict" });
    });

    it("finds run ids by prefix, in order, up to a limit, taking wildcards literally", async () => {
      const { store } = await open();
      const ids = ["e3960987-b", "e3960987-a", "e39609aa-c", "f0000000-d", "a*b?[c]%_x"];
      for (const id of ids)
        await store.createRun({ id, crew: "demo", inputs: {}, status: "queued" });
      expect(await store.findRunIds("e39609", 10)).toEqual([
        "e3960987-a",
        "e3960987-b",
        "e39609aa-c",
      ]);
      expect(await store.findRunIds("e39609", 2)).toEqual(["e3960987-a", "e3960987-b"]);
      expect(await store.findRunIds("e3960987-b", 10)).toEqual(["e3960987-b"]);
      expect(await store.findRunIds("f000", 10)).toEqual(["f0000000-d"]);
      expect(await store.findRunIds("e4", 10)).toEqual([]);
      expect(await store.findRunIds("a*", 10)).toEqual(["a*b?[c]%_x"]);
      expect(await store.findRunIds("a*b?[c]%", 10)).toEqual(["a*b?[c]%_x"]);
      expect(await store.findRunIds("a%", 10)).toEqual([]);
      expect(await store.findRunIds("a?", 10)).toEqual([]);
    });

    it("keeps a run's batch and time limit, and lists a batch's runs in creation order", async () => {
      const { store } = await open();
      await store.createRun({
        id: "b1",
        crew: "demo",
        inputs: { n: 1 },
        status: "running",
        batchId: "batch-1",
        timeoutMs: 5000,
      });
      await store.createRun({ id: "solo", crew: "demo", inputs: {}, status: "running" });
      await store.createRun({
        id: "b2",
        crew: "demo",
        inputs: { n: 2 },
        status: "queued",
        batchId: "batch-1",
      });
      await store.createRun({
        id: "c1",
        crew: "demo",
        inputs: {},
        status: "queued",
        batchId: "batch-2",
      });
      expect(await store.getRun("b1")).toMatchObject({ batchId: "batch-1", timeoutMs: 5000 });
      expect((await store.getRun("solo"))?.batchId).toBeUndefined();
      const batch = await store.listBatch("batch-1");
      expect(batch.map((r) => [r.id, r.status, r.inputs])).toEqual([
        ["b1", "running", { n: 1 }],
        ["b2", "queued", { n: 2 }],
      ]);
      expect(await store.listBatch("nope")).toEqual([]);
      await store.appendEvents("b2", stamp("b2", [runStart(), runEnd("failed")]));
      expect((await store.listBatch("batch-1")).map((r) => r.status)).toEqual([
        "running",
        "failed",
      ]);
    });

    it("appends gapless events and reads them back after a cursor with a limit", async () => {
      const { store } = await open();
      await store.createRun({ id: "run", crew: "demo", inputs: {}, status: "running" });
      const events = stamp("run", [runStart(), delta("a"), delta("b"), delta("c"), runEnd()]);
      await store.appendEvents("run", events.slice(0, 2));
      await store.appendEvents("run", events.slice(2));
      expect(await store.readEvents("run", 0)).toEqual(events);
      expect(await store.readEvents("run", 2)).toEqual(events.slice(2));
      expect(await store.readEvents("run", 1, 2)).toEqual(events.slice(1, 3));
      expect(await store.readEvents("run", 5)).toEqual([]);
      expect((await store.getRun("run"))?.lastSeq).toBe(5);
      await expect(store.readEvents("missing", 0)).rejects.toMatchObject({ code: "run_not_found" });
    });

    it("stores large appends whole, whatever their size", async () => {
      const { store } = await open();
      await store.createRun({ id: "big", crew: "demo", inputs: {}, status: "running" });
      const events = stamp("big", [
        runStart(),
        ...Array.from({ length: 400 }, (_, i) => delta(`token ${i} `)),
        runEnd(),
      ]);
      // Sizes around and across any internal chunking of a batch (SQLite: 128 rows a statement).
      for (const [from, to] of [
        [0, 1],
        [1, 33],
        [33, 97],
        [97, 225],
        [225, 354],
        [354, events.length],
      ] as const) {
        await store.appendEvents("big", events.slice(from, to));
      }
      expect(await store.readEvents("big", 0)).toEqual(events);
      expect((await store.getRun("big"))?.lastSeq).toBe(events.length);
      expect((await store.getRun("big"))?.status).toBe("completed");
    });

    it("rejects gaps, duplicates, events of another run and anything after run.end, writing nothing", async () => {
      const { store } = await open();
      await store.createRun({ id: "run", crew: "demo", inputs: {}, status: "running" });
      const events = stamp("run", [runStart(), delta("a"), delta("b"), runEnd()]);
      await store.appendEvents("run", events.slice(0, 1));
      await expect(store.appendEvents("run", events.slice(2, 3))).rejects.toMatchObject({
        code: "conflict",
      });
      await expect(store.appendEvents("run", events.slice(0, 2))).rejects.toMatchObject({
        code: "conflict",
      });
      await expect(store.appendEvents("run", [events[1]!, events[3]!])).rejects.toMatchObject({
        code: "conflict",
      });
      await expect(
        store.appendEvents("run", stamp("other", [delta("x")], 1)),
      ).rejects.toMatchObject({ code: "conflict" });
      await expect(store.appendEvents("nope", stamp("nope", [runStart()]))).rejects.toMatchObject({
        code: "run_not_found",
      });
      expect(await store.readEvents("run", 0)).toEqual(events.slice(0, 1));
      await store.appendEvents("run", events.slice(1));
      await expect(
        store.appendEvents("run", stamp("run", [delta("late")], 4)),
      ).rejects.toMatchObject({ code: "conflict" });
      expect((await store.getRun("run"))?.lastSeq).toBe(4);
    });

    it("takes status from run.start and run.end, and updateRun changes the rest", async () => {
      const { store } = await open();
      await store.createRun({ id: "ok", crew: "demo", inputs: {}, status: "queued" });
      await store.createRun({ id: "bad", crew: "demo", inputs: {}, status: "queued" });
      await store.updateRun("ok", { status: "running" });
      expect((await store.getRun("ok"))?.status).toBe("running");
      const ok = stamp("ok", [runStart(), runEnd("completed")]);
      await store.appendEvents("ok", ok.slice(0, 1));
      expect(await store.getRun("ok")).toMatchObject({ status: "running", startedAt: ok[0]!.ts });
      await store.appendEvents("ok", ok.slice(1));
      expect(await store.getRun("ok")).toMatchObject({
        status: "completed",
        result: "done",
        endedAt: ok[1]!.ts,
        lastSeq: 2,
      });
      await store.appendEvents("bad", stamp("bad", [runStart(), runEnd("failed")]));
      const bad = await store.getRun("bad");
      expect(bad).toMatchObject({
        status: "failed",
        error: { code: "failed", message: "run failed" },
      });
      expect(bad?.result).toBeUndefined();
      await expect(store.updateRun("nope", { status: "running" })).rejects.toMatchObject({
        code: "run_not_found",
      });
    });

    it("lists unfinished runs: queued and running, oldest first", async () => {
      const { store } = await open();
      for (const id of ["a", "b", "c", "d"])
        await store.createRun({
          id,
          crew: "demo",
          inputs: {},
          status: id === "d" ? "queued" : "running",
        });
      await store.appendEvents("a", stamp("a", [runStart(), runEnd()]));
      await store.appendEvents("b", stamp("b", [runStart(), delta("x")]));
      await store.appendEvents("c", stamp("c", [runStart(), runEnd("cancelled")]));
      const unfinished = await store.listUnfinished();
      expect(unfinished.map((r) => [r.id, r.status, r.lastSeq])).toEqual([
        ["b", "running", 2],
        ["d", "queued", 0],
      ]);
    });

    it("keeps appends to many runs apart when they run concurrently", async () => {
      const { store } = await open();
      const runs = Array.from({ length: 20 }, (_, i) => `run-${i}`);
      await Promise.all(
        runs.map((id) => store.createRun({ id, crew: "demo", inputs: {}, status: "running" })),
      );
      const logs = new Map(
        runs.map((id) => [
          id,
          stamp(id, [
            runStart(),
            ...Array.from({ length: 30 }, (_, j) => delta(`${id}:${j}`)),
            runEnd(),
          ]),
        ]),
      );
      await Promise.all(
        runs.map(async (id) => {
          const events = logs.get(id)!;
          const pending: Promise<void>[] = [];
          for (let i = 0; i < events.length; i += 4)
            pending.push(store.appendEvents(id, events.slice(i, i + 4)));
          await Promise.all(pending);
        }),
      );
      for (const id of runs) {
        expect(await store.readEvents(id, 0)).toEqual(logs.get(id));
        expect(await store.getRun(id)).toMatchObject({ status: "completed", lastSeq: 32 });
      }
    });

    it("keeps threads: runs in order, newest thread first with paging, rename, delete with counts", async () => {
      const { store } = await open();
      const turn = async (
        id: string,
        threadId: string | undefined,
        topic: string,
      ): Promise<void> => {
        await store.createRun({
          id,
          crew: "demo",
          inputs: { topic },
          status: "running",
          ...(threadId === undefined ? {} : { threadId }),
        });
        await store.appendEvents(id, stamp(id, [runStart(), delta(topic), runEnd()]));
      };
      await turn("a1", "chat-a", "Tea in Japan\nand more");
      await turn("b1", "chat-b", "Coffee");
      await turn("solo", undefined, "alone");
      await turn("a2", "chat-a", "shorter, and in French");
      await turn("c1", "chat-c", "Cocoa");

      expect(await store.getRun("a2")).toMatchObject({ threadId: "chat-a" });
      expect((await store.getRun("solo"))?.threadId).toBeUndefined();
      const first = await store.listThreads({ limit: 2 });
      expect(first.threads.map((t) => [t.threadId, t.runCount])).toEqual([
        ["chat-c", 1],
        ["chat-a", 2],
      ]);
      expect(first.threads[1]).toMatchObject({ title: "Tea in Japan" });
      expect(first.nextCursor).toBeDefined();
      const second = await store.listThreads({ limit: 2, before: first.nextCursor! });
      expect(second.threads.map((t) => t.threadId)).toEqual(["chat-b"]);
      expect(second.nextCursor).toBeUndefined();

      const thread = await store.getThread("chat-a");
      expect(thread).toMatchObject({ threadId: "chat-a", title: "Tea in Japan", runCount: 2 });
      expect(thread?.runs.map((r) => [r.id, r.inputs.topic, r.result])).toEqual([
        ["a1", "Tea in Japan\nand more", "done"],
        ["a2", "shorter, and in French", "done"],
      ]);
      expect(await store.getThread("nope")).toBeUndefined();

      expect(await store.renameThread("chat-a", "Tea")).toMatchObject({
        threadId: "chat-a",
        title: "Tea",
        runCount: 2,
      });
      expect((await store.getThread("chat-a"))?.title).toBe("Tea");
      await expect(store.renameThread("nope", "x")).rejects.toMatchObject({ code: "not_found" });

      expect(await store.deleteThread("chat-a")).toEqual({
        threadId: "chat-a",
        deletedRuns: 2,
        deletedEvents: 6,
      });
      expect(await store.getThread("chat-a")).toBeUndefined();
      expect(await store.getRun("a1")).toBeUndefined();
      await expect(store.readEvents("a2", 0)).rejects.toMatchObject({ code: "run_not_found" });
      expect((await store.listRuns()).runs.map((r) => r.id)).toEqual(["c1", "solo", "b1"]);
      expect((await store.listThreads()).threads.map((t) => t.threadId)).toEqual([
        "chat-c",
        "chat-b",
      ]);
      await expect(store.deleteThread("chat-a")).rejects.toMatchObject({ code: "not_found" });
      // A thread id used again after its deletion starts a new thread.
      await turn("a3", "chat-a", "Again");
      expect(await store.getThread("chat-a")).toMatchObject({ title: "Again", runCount: 1 });
    });

    if (options.persistent === true)
      it("finds everything again after being closed and reopened", async () => {
        const fixture = await open();
        const { store } = fixture;
        if (!fixture.reopen)
          throw new Error(`${name} is persistent but its fixture has no reopen()`);
        await store.createRun({
          id: "done",
          crew: "demo",
          inputs: { n: 1, ok: true },
          status: "running",
          source: "http",
        });
        await store.createRun({
          id: "live",
          crew: "demo",
          inputs: { topic: "kept" },
          status: "running",
          threadId: "kept-thread",
        });
        const done = stamp("done", [runStart(), delta("a"), runEnd()]);
        const live = stamp("live", [runStart(), delta("a"), delta("b")]);
        const last = store.appendEvents("live", live);
        await store.appendEvents("done", done);
        await last;
        await store.close();
        const again = await fixture.reopen();
        current = again;
        expect(await again.getRun("done")).toMatchObject({
          status: "completed",
          inputs: { n: 1, ok: true },
          source: "http",
          lastSeq: 3,
        });
        expect(await again.readEvents("done", 0)).toEqual(done);
        expect(await again.readEvents("live", 0)).toEqual(live);
        expect((await again.listUnfinished()).map((r) => r.id)).toEqual(["live"]);
        expect((await again.listRuns()).runs.map((r) => r.id)).toEqual(["live", "done"]);
        await again.appendEvents("live", stamp("live", [runEnd("failed")], 3));
        expect(await again.getRun("live")).toMatchObject({ status: "failed", lastSeq: 4 });
        expect(await again.getThread("kept-thread")).toMatchObject({
          title: "kept",
          runs: [{ id: "live", threadId: "kept-thread" }],
        });
      });
  });
}

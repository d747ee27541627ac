/**
 * The contract every {@link RunService} passes: the local `RunManager` on each store and the
 * distributed manager (with a worker in the same process) on Redis. Each implementation's test
 * file calls {@link runServiceContract} with a factory.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  CrewError,
  ErrorCode,
  flatten,
  summarize,
  type CrewEvent,
  type RunEndEvent,
} from "../events/index.js";
import type { ResolveRunner } from "./crew-runner.js";
import { openWatch } from "./open-watch.js";
import type { RunEventsOptions, RunService } from "./run-service.js";
import { gate, scriptedRunner } from "./test-support/scripted-runner.js";

/** A service under test and how to stop it with everything it runs on. */
export interface RunServiceFixture {
  runs: RunService;
  close(): Promise<void>;
}

/**
 * Builds a fresh service (empty store) that executes at most one run at once and finds crews
 * with `resolveRunner` (in the process that executes runs, too).
 */
export type MakeRunService = (resolveRunner: ResolveRunner) => Promise<RunServiceFixture>;

/** What differs between implementations, by design. */
export interface RunServiceContractOptions {
  /**
   * Whether a consumer that stops pulling a live run is dropped (a service that buffers live
   * events per consumer) rather than simply read at its own pace from the store.
   */
  dropsSlowConsumers: boolean;
}

/** The crews every test can start: a fresh hold gate per fixture. */
function crews() {
  const hold = gate();
  const runners = {
    quick: scriptedRunner({ name: "quick", deltas: 5 }),
    held: scriptedRunner({ name: "held", hold: hold.promise }),
    asks: scriptedRunner({ name: "asks", askInput: true }),
    "held-asks": scriptedRunner({
      name: "held-asks",
      deltas: 0,
      hold: hold.promise,
      askInput: true,
    }),
    needs: scriptedRunner({ name: "needs", required: ["topic"], known: ["topic"] }),
    talk: scriptedRunner({ name: "talk", deltas: 1, echoConversation: true }),
  };
  const resolveRunner: ResolveRunner = async (name) => {
    const runner = runners[(name ?? "quick") as keyof typeof runners];
    if (!runner) throw new CrewError(ErrorCode.CREW_NOT_FOUND, `No crew named "${name}".`);
    return runner;
  };
  return { resolveRunner, hold };
}

async function collect(
  runs: RunService,
  id: string,
  options: RunEventsOptions = {},
): Promise<CrewEvent[]> {
  const events: CrewEvent[] = [];
  for await (const event of flatten(await runs.openEvents(id, options))) events.push(event);
  return events;
}

/** Reads the run's events until one matches `until`; returns those read. */
async function readUntil(
  runs: RunService,
  id: string,
  until: (event: CrewEvent) => boolean,
): Promise<CrewEvent[]> {
  const events: CrewEvent[] = [];
  for await (const event of flatten(await runs.openEvents(id))) {
    events.push(event);
    if (until(event)) break;
  }
  return events;
}

const seqs = (events: readonly CrewEvent[]): number[] => events.map((event) => event.seq);
const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

function expectWholeRun(events: readonly CrewEvent[], status: RunEndEvent["status"]): void {
  expect(seqs(events)).toEqual(range(1, events.length));
  expect(events[0]?.type).toBe("run.start");
  expect(events.at(-1)).toMatchObject({ type: "run.end", status });
  expect(events.filter((event) => event.type === "run.end")).toHaveLength(1);
}

/** Registers the contract suite for one implementation. */
export function runServiceContract(
  name: string,
  make: MakeRunService,
  options: RunServiceContractOptions,
): void {
  describe(`RunService contract: ${name}`, () => {
    const open: RunServiceFixture[] = [];
    afterEach(async () => {
      while (open.length > 0) await open.pop()!.close();
    });
    async function service() {
      const { resolveRunner, hold } = crews();
      const fixture = await make(resolveRunner);
      open.push(fixture);
      return { runs: fixture.runs, hold };
    }

    it("starts a run and streams its events, gapless, to run.end completed", async () => {
      const { runs } = await service();
      const record = await runs.start({ crew: "quick", inputs: { topic: "tea" }, source: "cli" });
      expect(record).toMatchObject({ crew: "quick", inputs: { topic: "tea" }, source: "cli" });
      expect(["queued", "running"]).toContain(record.status);
      const events = await collect(runs, record.id);
      expectWholeRun(events, "completed");
      // run.start, task.start, 5 deltas, task.end, run.end
      expect(events).toHaveLength(9);
      expect(events.every((event) => event.runId === record.id)).toBe(true);
    });

    it("gets a finished run with its result and the summary of its whole log", async () => {
      const { runs } = await service();
      const { id } = await runs.start({ crew: "asks" });
      await readUntil(runs, id, (event) => event.type === "input.request");
      const waiting = await runs.get(id);
      expect(waiting?.status).toBe("running");
      expect(waiting?.summary.waitingFor).toEqual([expect.objectContaining({ requestId: "q1" })]);
      await runs.answer(id, "q1", "yes");
      const events = await collect(runs, id);
      const details = await runs.get(id);
      expect(details).toMatchObject({
        id,
        crew: "asks",
        status: "completed",
        result: "done yes",
        lastSeq: events.length,
      });
      expect(details?.summary).toEqual(summarize(events));
      // Asked again, the same answer (from the cache or not).
      expect(await runs.get(id)).toEqual(details);
      expect(await runs.get("no-such-run")).toBeUndefined();
    });

    it("lists runs newest first, page by page", async () => {
      const { runs } = await service();
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const { id } = await runs.start({ crew: "quick", inputs: { n: i } });
        ids.push(id);
        await collect(runs, id);
      }
      const first = await runs.list({ limit: 2 });
      expect(first.runs.map((run) => run.id)).toEqual([ids[2], ids[1]]);
      expect(first.nextCursor).toBeDefined();
      const second = await runs.list({ limit: 2, before: first.nextCursor! });
      expect(second.runs.map((run) => run.id)).toEqual([ids[0]]);
      expect(second.nextCursor).toBeUndefined();
      expect((await runs.list()).runs.every((run) => run.status === "completed")).toBe(true);
    });

    it("cancels a queued run and a running one, each ending with one run.end cancelled", async () => {
      const { runs } = await service();
      const running = await runs.start({ crew: "held" });
      // The held run is executing once its deltas are out; the next one has to wait.
      await readUntil(runs, running.id, (event) => event.type === "text.delta" && event.seq === 5);
      const queued = await runs.start({ crew: "quick" });
      expect(queued.status).toBe("queued");

      const cancelledQueued = await runs.cancel(queued.id);
      expect(cancelledQueued.status).toBe("cancelled");
      const queuedEvents = await collect(runs, queued.id);
      expectWholeRun(queuedEvents, "cancelled");
      expect(queuedEvents.map((event) => event.type)).toEqual(["run.start", "run.end"]);

      const cancelledRunning = await runs.cancel(running.id);
      expect(cancelledRunning.status).toBe("cancelled");
      expectWholeRun(await collect(runs, running.id), "cancelled");
      // Cancelling a finished run changes nothing.
      expect(await runs.cancel(running.id)).toMatchObject({ status: "cancelled" });
    });

    it("answers human input, and refuses answers nobody asked for", async () => {
      const { runs } = await service();
      const { id } = await runs.start({ crew: "asks" });
      await readUntil(runs, id, (event) => event.type === "input.request");
      await expect(runs.answer(id, "q2", "no")).rejects.toMatchObject({ code: "conflict" });
      await runs.answer(id, "q1", "fine");
      const events = await collect(runs, id);
      expectWholeRun(events, "completed");
      expect(events).toContainEqual(
        expect.objectContaining({ type: "input.response", requestId: "q1", text: "fine" }),
      );
      expect(events.at(-1)).toMatchObject({ result: "done fine" });
      await expect(runs.answer(id, "q1", "again")).rejects.toMatchObject({ code: "conflict" });
    });

    it("refuses bad start requests without creating a run", async () => {
      const { runs } = await service();
      await expect(runs.start({ crew: "nope" })).rejects.toMatchObject({
        code: "crew_not_found",
      });
      await expect(
        runs.start({ crew: "quick", inputs: { nested: { a: 1 } } }),
      ).rejects.toMatchObject({ code: "bad_request" });
      await expect(runs.start({ crew: "needs", inputs: {} })).rejects.toMatchObject({
        code: "missing_input",
      });
      await expect(runs.start({ crew: "needs", inputs: { topik: "x" } })).rejects.toMatchObject({
        code: "unknown_input",
      });
      await expect(
        runs.start({ crew: "quick", onDisconnect: "explode" as "cancel" }),
      ).rejects.toMatchObject({ code: "bad_request" });
      expect((await runs.list()).runs).toEqual([]);
    });

    it("keeps inputs the crew does not use when the request says so (the chat endpoint)", async () => {
      const { runs } = await service();
      const record = await runs.start({
        crew: "needs",
        inputs: { topic: "tea", audience: "all" },
        unknownInputs: "keep",
      });
      expect(record.inputs).toEqual({ topic: "tea", audience: "all" });
      expectWholeRun(await collect(runs, record.id), "completed");
    });

    it("starts a batch: one run per item, sharing a batch id, each reported by getBatch", async () => {
      const { runs } = await service();
      const batch = await runs.startBatch({
        crew: "needs",
        inputs: [{ topic: "tea" }, { topic: "owls" }, { topic: "kelp" }],
        source: "http",
        timeoutMs: 60_000,
      });
      expect(batch.runs).toHaveLength(3);
      expect(batch.runs.map((r) => r.inputs)).toEqual([
        { topic: "tea" },
        { topic: "owls" },
        { topic: "kelp" },
      ]);
      expect(batch.runs.every((r) => r.batchId === batch.batchId && r.timeoutMs === 60_000)).toBe(
        true,
      );
      for (const run of batch.runs) {
        const events = await collect(runs, run.id);
        expectWholeRun(events, "completed");
        expect(events[0]).toMatchObject({ type: "run.start", batchId: batch.batchId });
      }
      expect(await runs.getBatch(batch.batchId)).toEqual({
        batchId: batch.batchId,
        runs: batch.runs.map((r) => ({ runId: r.id, status: "completed" })),
      });
      expect(await runs.getBatch("no-such-batch")).toBeUndefined();
    });

    it("refuses a batch with one bad item without creating any run", async () => {
      const { runs } = await service();
      await expect(
        runs.startBatch({ crew: "needs", inputs: [{ topic: "tea" }, {}] }),
      ).rejects.toMatchObject({
        code: "missing_input",
        message: expect.stringMatching(/^Batch item 2:/),
      });
      await expect(runs.startBatch({ crew: "quick", inputs: [] })).rejects.toMatchObject({
        code: "bad_request",
      });
      await expect(runs.start({ crew: "quick", timeoutMs: -5 })).rejects.toMatchObject({
        code: "bad_request",
      });
      expect((await runs.list()).runs).toEqual([]);
    });

    it("answers unknown run ids with run_not_found (get: undefined; watch: a no-op)", async () => {
      const { runs } = await service();
      expect(await runs.get("missing")).toBeUndefined();
      await expect(runs.cancel("missing")).rejects.toMatchObject({ code: "run_not_found" });
      await expect(runs.answer("missing", "q1", "x")).rejects.toMatchObject({
        code: "run_not_found",
      });
      await expect(runs.openEvents("missing")).rejects.toMatchObject({ code: "run_not_found" });
      await expect(openWatch(runs, "missing")).rejects.toMatchObject({ code: "run_not_found" });
      expect(() => runs.watch("missing").release()).not.toThrow();
    });

    it("takes a unique prefix of at least 6 characters wherever it takes a run id", async () => {
      const { runs } = await service();
      const { id } = await runs.start({ crew: "asks" });
      const prefix = id.slice(0, 8);
      expect(await runs.resolveId(prefix)).toBe(id);
      expect(await runs.resolveId(id)).toBe(id);
      const watched = flatten(await openWatch(runs, id.slice(0, 6)));
      const seen: CrewEvent[] = [];
      for await (const event of watched) {
        seen.push(event);
        if (event.type === "input.request") await runs.answer(prefix, "q1", "short");
      }
      expectWholeRun(seen, "completed");
      expect(seen.every((event) => event.runId === id)).toBe(true);
      expect(await runs.get(prefix)).toMatchObject({
        id,
        status: "completed",
        result: "done short",
      });
      expect(seqs(await collect(runs, prefix))).toEqual(seqs(seen));
      expect(await runs.cancel(prefix)).toMatchObject({ id, status: "completed" });
      // Shorter than 6 characters, or not a prefix of any id: not found.
      expect(await runs.get(id.slice(0, 5))).toBeUndefined();
      await expect(runs.resolveId(id.slice(0, 5))).rejects.toMatchObject({ code: "run_not_found" });
      await expect(runs.cancel(`${prefix}zz`)).rejects.toMatchObject({ code: "run_not_found" });
    });

    it("refuses a cursor past the end or not a non-negative integer, before streaming", async () => {
      const { runs } = await service();
      const { id } = await runs.start({ crew: "quick" });
      const events = await collect(runs, id);
      for (const after of [events.length + 1, -1, 0.5])
        await expect(runs.openEvents(id, { after })).rejects.toMatchObject({ code: "bad_cursor" });
      expect(await collect(runs, id, { after: events.length })).toEqual([]);
      expect(await collect(runs, id, { after: 3 })).toEqual(events.slice(3));
    });

    it("resumes a live run from a cursor with no gap and no duplicate", async () => {
      const { runs, hold } = await service();
      const { id } = await runs.start({ crew: "held" });
      const before = await readUntil(runs, id, (event) => event.seq === 4);
      expect(seqs(before)).toEqual([1, 2, 3, 4]);
      const resumed = collect(runs, id, { after: 4 });
      hold.open();
      const rest = await resumed;
      const all = [...before, ...rest];
      expectWholeRun(all, "completed");
      expect(all).toEqual(await collect(runs, id));
    });

    it("counts watchers: the last one leaving cancels a run started with onDisconnect cancel", async () => {
      const { runs } = await service();
      const kept = await runs.start({ crew: "held", onDisconnect: "continue" });
      await readUntil(runs, kept.id, (event) => event.seq === 5);
      runs.watch(kept.id).release();
      expect((await runs.get(kept.id))?.status).toBe("running");
      await runs.cancel(kept.id);

      const dropped = await runs.start({ crew: "held", onDisconnect: "cancel" });
      await readUntil(runs, dropped.id, (event) => event.seq === 5);
      const first = runs.watch(dropped.id);
      const second = runs.watch(dropped.id);
      first.release();
      first.release();
      expect((await runs.get(dropped.id))?.status).toBe("running");
      second.release();
      expectWholeRun(await collect(runs, dropped.id), "cancelled");
    });

    it(
      options.dropsSlowConsumers
        ? "drops a consumer that stops pulling a live run with slow_consumer, and openWatch resumes it"
        : "never drops a consumer that stops pulling, and openWatch delivers every event once",
      async () => {
        const { runs, hold } = await service();
        const { id } = await runs.start({ crew: "held-asks" });
        // Two consumers at the same live point: a raw cursor and a watch, both pulling nothing.
        const raw = flatten(await runs.openEvents(id, { highWaterMark: 1 }));
        const watch = flatten(await openWatch(runs, id, { highWaterMark: 1 }));
        const rawSeen = [(await raw.next()).value, (await raw.next()).value];
        const watchSeen = [(await watch.next()).value, (await watch.next()).value];
        expect(seqs(rawSeen as CrewEvent[])).toEqual([1, 2]);
        expect(seqs(watchSeen as CrewEvent[])).toEqual([1, 2]);
        const rawThird = raw.next();
        const watchThird = watch.next();
        hold.open();
        expect((await rawThird).value).toMatchObject({ seq: 3, type: "input.request" });
        expect((await watchThird).value).toMatchObject({ seq: 3, type: "input.request" });
        await runs.answer(id, "q1", "ok");
        const all = await collect(runs, id);
        expectWholeRun(all, "completed");

        const rest: CrewEvent[] = [];
        const error = await (async () => {
          try {
            for await (const event of raw) rest.push(event);
            return undefined;
          } catch (thrown: unknown) {
            return thrown;
          }
        })();
        if (options.dropsSlowConsumers) {
          expect(error).toMatchObject({ code: ErrorCode.SLOW_CONSUMER, cursor: 3 });
          expect(rest).toEqual([]);
        } else {
          expect(error).toBeUndefined();
          expect(rest).toEqual(all.slice(3));
        }
        const watched: CrewEvent[] = [];
        for await (const event of watch) watched.push(event);
        expect(watched).toEqual(all.slice(3));
      },
    );

    it("runs turns of a thread with the conversation so far; lists, renames and deletes threads", async () => {
      const { runs, hold } = await service();
      const first = await runs.start({ crew: "talk", inputs: { topic: "Tea" }, threadId: "t-1" });
      expect(first.threadId).toBe("t-1");
      const firstEvents = await collect(runs, first.id);
      expect(firstEvents[0]).toMatchObject({ type: "run.start", threadId: "t-1" });
      expect(firstEvents.at(-1)).toMatchObject({ type: "run.end", result: "done heard:" });
      const second = await runs.start({
        crew: "talk",
        inputs: { topic: "Shorter, in French" },
        threadId: "t-1",
      });
      expect((await collect(runs, second.id)).at(-1)).toMatchObject({
        type: "run.end",
        result: "done heard: User: Tea\nAssistant: done heard:",
      });
      await collect(runs, (await runs.start({ crew: "quick", threadId: "t-2" })).id);
      await expect(runs.start({ crew: "quick", threadId: "../x" })).rejects.toMatchObject({
        code: ErrorCode.BAD_REQUEST,
      });

      expect((await runs.listThreads()).threads.map((t) => [t.threadId, t.runCount])).toEqual([
        ["t-2", 1],
        ["t-1", 2],
      ]);
      const thread = await runs.getThread("t-1");
      expect(thread).toMatchObject({ title: "Tea", runCount: 2 });
      expect(thread?.runs.map((run) => run.id)).toEqual([first.id, second.id]);
      expect(await runs.renameThread("t-1", "Tea talk")).toMatchObject({ title: "Tea talk" });

      // Deleting a thread cancels its live run first, then removes runs and events.
      const live = await runs.start({ crew: "held", threadId: "t-1" });
      await readUntil(runs, live.id, (event) => event.type === "text.delta");
      const deleted = await runs.deleteThread("t-1");
      expect(deleted).toMatchObject({ threadId: "t-1", deletedRuns: 3 });
      expect(deleted.deletedEvents).toBeGreaterThan(10);
      expect(await runs.getThread("t-1")).toBeUndefined();
      expect(await runs.get(live.id)).toBeUndefined();
      expect(await runs.get(first.id)).toBeUndefined();
      await expect(runs.deleteThread("t-1")).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
      hold.open();
    });
  });
}

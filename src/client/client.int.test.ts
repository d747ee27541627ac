import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CrewEvent } from "../events/index.js";
import { CrewClient } from "./crew-client.js";
import { startCuttableProxy } from "./test-support/cuttable-proxy.js";
import type { CuttableProxy } from "./test-support/cuttable-proxy.js";
import { startRealServer } from "./test-support/real-server.js";
import type { RealServer } from "./test-support/real-server.js";

let real: RealServer;
let proxy: CuttableProxy;
let direct: CrewClient;
const fastRetry = { initialDelayMs: 20, maxDelayMs: 100, maxRetries: 50 };

beforeAll(async () => {
  // The proxy passes the Host header through, naming its own port.
  real = await startRealServer({ tokenMs: 2, allowedHosts: ["127.0.0.1"] });
  proxy = await startCuttableProxy(real.url);
  direct = new CrewClient({ baseUrl: real.url });
});

afterAll(async () => {
  await proxy.close();
  await real.close();
});

/** The run's log as the server holds it, read in one go without the proxy. */
async function storedEvents(runId: string): Promise<CrewEvent[]> {
  const events: CrewEvent[] = [];
  for await (const event of direct.subscribe(runId)) events.push(event);
  return events;
}

function expectGapless(events: CrewEvent[]): void {
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  expect(events.at(-1)?.type).toBe("run.end");
}

describe("CrewClient against a real server", () => {
  it("streams a run from start to run.end with its id known first", async () => {
    const run = await direct.streamRun({ crew: "research-crew", inputs: { topic: "solar sails" } });
    expect(run.runId).toMatch(/\S/);
    const events: CrewEvent[] = [];
    for await (const event of run) events.push(event);
    expectGapless(events);
    expect(events[0]).toMatchObject({ type: "run.start", crew: "research-crew", runId: run.runId });
    expect(events.at(-1)).toMatchObject({ type: "run.end", status: "completed" });
    expect(events).toEqual(await storedEvents(run.runId));
  });

  it("delivers every event exactly once when the connection is cut repeatedly mid-stream", async () => {
    const client = new CrewClient({ baseUrl: proxy.url });
    const reconnects: number[] = [];
    const run = await client.streamRun({
      crew: "research-crew",
      inputs: { topic: "tidal power" },
      retry: fastRetry,
      onReconnect: (info) => reconnects.push(info.after),
    });
    const events: CrewEvent[] = [];
    for await (const event of run) {
      events.push(event);
      if (events.length % 40 === 0) proxy.cut();
    }
    expect(proxy.cuts).toBeGreaterThanOrEqual(3);
    expect(reconnects.length).toBeGreaterThanOrEqual(3);
    expectGapless(events);
    expect(events).toEqual(await storedEvents(run.runId));
  });

  it("resumes a subscription from a cursor and after cuts, without repeats", async () => {
    const { runId } = await direct.startRun({
      crew: "research-crew",
      inputs: { topic: "heat pumps" },
    });
    // A cursor must not be past the run's last event: wait until there are more than five.
    for await (const event of direct.subscribe(runId)) if (event.seq > 5) break;
    const client = new CrewClient({ baseUrl: proxy.url });
    const events: CrewEvent[] = [];
    for await (const event of client.subscribe(runId, { after: 5, retry: fastRetry })) {
      events.push(event);
      if (events.length % 25 === 0) proxy.cut();
    }
    const stored = await storedEvents(runId);
    expect(events[0]?.seq).toBe(6);
    expect(events).toEqual(stored.slice(5));
  });

  it("cancels a run on the server", async () => {
    const run = await direct.streamRun({ crew: "research-crew", inputs: { topic: "fusion" } });
    const events: CrewEvent[] = [];
    for await (const event of run) {
      events.push(event);
      if (
        event.type === "text.delta" &&
        events.filter((e) => e.type === "text.delta").length === 3
      ) {
        await direct.cancel(run.runId);
      }
    }
    expect(events.at(-1)).toMatchObject({ type: "run.end", status: "cancelled" });
    expect((await direct.getRun(run.runId)).status).toBe("cancelled");
  });

  it("answers a human-input request", async () => {
    const run = await direct.streamRun({ crew: "review", inputs: { topic: "the 2.0 release" } });
    const events: CrewEvent[] = [];
    for await (const event of run) {
      events.push(event);
      if (event.type === "input.request")
        await direct.answer(run.runId, event.requestId, "Mention the new CLI.");
    }
    expect(events.find((e) => e.type === "input.response")).toMatchObject({
      text: "Mention the new CLI.",
    });
    expect(events.at(-1)).toMatchObject({ type: "run.end", status: "completed" });
  });

  it("lists crews and runs and reads a run's details", async () => {
    const crews = await direct.listCrews();
    expect(crews.map((c) => c.name).sort()).toEqual(["research-crew", "review"]);
    const research = crews.find((c) => c.name === "research-crew");
    expect(research?.agents.map((a) => a.key)).toEqual(["researcher", "writer", "reviewer"]);
    // crew.yaml gives `topic` a default, so no input is required.
    expect(research?.inputs).toEqual([]);
    const page = await direct.listRuns({ limit: 2 });
    expect(page.runs).toHaveLength(2);
    const first = page.runs[0];
    expect(first).toBeDefined();
    const details = await direct.getRun(first?.id ?? "");
    expect(details.id).toBe(first?.id);
    expect(details.summary).toBeDefined();
  });

  it("starts a batch and reads its runs' status", async () => {
    const batch = await direct.startBatch({
      crew: "research-crew",
      inputs: [{ topic: "kelp" }, { topic: "moss" }],
    });
    expect(batch.runIds).toHaveLength(2);
    for (const runId of batch.runIds) {
      const events = await storedEvents(runId);
      expectGapless(events);
      expect(events[0]).toMatchObject({ type: "run.start", batchId: batch.batchId });
    }
    expect(await direct.getBatch(batch.batchId)).toEqual({
      batchId: batch.batchId,
      runs: batch.runIds.map((runId) => ({ runId, status: "completed" })),
    });
    await expect(direct.getBatch("no-such-batch")).rejects.toMatchObject({ code: "not_found" });
  });

  it("throws the server's error codes", async () => {
    await expect(direct.getRun("no-such-run")).rejects.toMatchObject({ code: "run_not_found" });
    await expect(direct.streamRun({ crew: "nope", inputs: { topic: "x" } })).rejects.toMatchObject({
      code: "crew_not_found",
    });
    const { runId } = await direct.startRun({ crew: "research-crew", inputs: { topic: "wind" } });
    await storedEvents(runId);
    const cursorPast = direct.subscribe(runId, { after: 1_000_000 });
    await expect(cursorPast.next()).rejects.toMatchObject({ code: "bad_cursor" });
  });

  it("streams and controls runs over the WebSocket", async () => {
    const { WebSocket } = await import("ws");
    const socket = await direct.socket({ WebSocket: WebSocket as never });
    try {
      const { runId, events } = await socket.start({
        crew: "research-crew",
        inputs: { topic: "batteries" },
      });
      const received: CrewEvent[] = [];
      for await (const event of events) received.push(event);
      expectGapless(received);
      expect(received).toEqual(await storedEvents(runId));

      const again: CrewEvent[] = [];
      for await (const event of socket.subscribe(runId, { after: received.length - 2 }))
        again.push(event);
      expect(again).toEqual(received.slice(-2));

      const second = await socket.start({ crew: "research-crew", inputs: { topic: "hydrogen" } });
      const seen: CrewEvent[] = [];
      for await (const event of second.events) {
        seen.push(event);
        if (event.type === "text.delta" && seen.filter((e) => e.type === "text.delta").length === 2)
          await socket.cancel(second.runId);
      }
      expect(seen.at(-1)).toMatchObject({ type: "run.end", status: "cancelled" });
    } finally {
      socket.close();
    }
  });
});

describe("CrewClient threads", () => {
  it("streams turns of a thread, then lists, reads, renames and deletes it", async () => {
    const threadId = `client-${Date.now()}`;
    const ids: string[] = [];
    for (const topic of ["lighthouses", "shorter please"]) {
      const stream = await direct.streamRun({ inputs: { topic }, threadId });
      ids.push(stream.runId);
      const events: CrewEvent[] = [];
      for await (const event of stream) events.push(event);
      expect(events[0]).toMatchObject({ type: "run.start", threadId });
    }
    const page = await direct.listThreads({ limit: 5 });
    expect(page.threads[0]).toMatchObject({ threadId, title: "lighthouses", runCount: 2 });
    const thread = await direct.getThread(threadId);
    expect(thread.runs.map((run) => run.id)).toEqual(ids);
    expect(thread.runs[1]?.result).toContain("Following up on our conversation");
    expect(await direct.renameThread(threadId, "Lights")).toMatchObject({ title: "Lights" });
    const deleted = await direct.deleteThread(threadId);
    expect(deleted).toMatchObject({ threadId, deletedRuns: 2 });
    await expect(direct.getThread(threadId)).rejects.toMatchObject({ code: "not_found" });
  });
});

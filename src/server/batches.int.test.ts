import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  batchStartedSchema,
  batchStatusSchema,
  isFinished,
  runDetailsSchema,
  type BatchStatusBody,
} from "../events/index.js";
import { startTestServer, type TestServer } from "./test-support/test-server.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ maxConcurrentRuns: 2, tokenMs: 2 });
});
afterAll(() => server.cleanup());

async function batchUntilDone(batchId: string): Promise<BatchStatusBody> {
  for (;;) {
    const response = await server.api(`/api/batches/${batchId}`);
    expect(response.status).toBe(200);
    const batch = batchStatusSchema.parse(await response.json());
    if (batch.runs.every((run) => isFinished(run.status))) return batch;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("batches and time limits over HTTP", () => {
  it("POST /api/runs with a list of inputs starts one run per item and GET /api/batches/:id follows them", async () => {
    const response = await server.post("/api/runs", {
      crew: "duo",
      inputs: [{ topic: "kelp" }, { topic: "owls" }, { topic: "tides" }],
    });
    expect(response.status).toBe(202);
    const started = batchStartedSchema.parse(await response.json());
    expect(response.headers.get("location")).toBe(`/api/batches/${started.batchId}`);
    expect(started.runIds).toHaveLength(3);
    const first = batchStatusSchema.parse(
      await (await server.api(`/api/batches/${started.batchId}`)).json(),
    );
    // At most --max-runs (2) at once: the third waits.
    expect(first.runs.filter((r) => r.status === "running").length).toBeLessThanOrEqual(2);
    const done = await batchUntilDone(started.batchId);
    expect(done.runs.map((r) => r.runId)).toEqual(started.runIds);
    expect(done.runs.every((r) => r.status === "completed")).toBe(true);
    const details = runDetailsSchema.parse(
      await (await server.api(`/api/runs/${started.runIds[1]}`)).json(),
    );
    expect(details).toMatchObject({ batchId: started.batchId, inputs: { topic: "owls" } });
  });

  it("refuses a batch with a bad item, and answers unknown batches with 404", async () => {
    const bad = await server.post("/api/runs", {
      crew: "duo",
      inputs: [{ topic: "a" }, { x: {} }],
    });
    expect(bad.status).toBe(400);
    const empty = await server.post("/api/runs", { crew: "duo", inputs: [] });
    expect(empty.status).toBe(400);
    const unknown = await server.api("/api/batches/nope");
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: "not_found" } });
  });

  it("timeoutMs fails a run with code timeout", async () => {
    const response = await server.post("/api/runs", {
      crew: "duo",
      inputs: { topic: "slow" },
      timeoutMs: 30,
    });
    expect(response.status).toBe(202);
    const { runId } = (await response.json()) as { runId: string };
    for (;;) {
      const details = runDetailsSchema.parse(await (await server.api(`/api/runs/${runId}`)).json());
      if (isFinished(details.status)) {
        expect(details).toMatchObject({
          status: "failed",
          timeoutMs: 30,
          error: { code: "timeout" },
        });
        expect(details.error?.message).toMatch(/30 ms \(run timeout\)/);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  });
});

/**
 * Run ids by prefix over HTTP and the WebSocket: the live view shows 8 characters, and those
 * (or any unique prefix of at least 6) name the run everywhere a run id is taken.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CrewCatalog } from "../crew/index.js";
import { createOfflineModel } from "../offline/index.js";
import { catalogRunners, RunManager } from "../runs/index.js";
import { MemoryRunStore } from "../store/index.js";
import { createApp } from "./app.js";
import { assertCompleteRun, collectSse } from "./test-support/sse-client.js";
import { FIXTURE_CREWS, memoryLogger, startTestServer } from "./test-support/test-server.js";
import type { TestServer } from "./test-support/test-server.js";
import { TestSocket } from "./test-support/ws-client.js";

let server: TestServer;
let socket: TestSocket | undefined;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await socket?.close();
  await server.cleanup();
});

async function finishedRun(): Promise<string> {
  const started = await server.post("/api/runs", { crew: "duo", inputs: { topic: "moths" } });
  const { runId } = (await started.json()) as { runId: string };
  assertCompleteRun(await collectSse(await server.api(`/api/runs/${runId}/events`)));
  return runId;
}

describe("run ids by prefix", () => {
  it("GET /api/runs/:id, its events and cancel take the 8 characters the live view shows", async () => {
    const runId = await finishedRun();
    const short = runId.slice(0, 8);
    const details = await server.api(`/api/runs/${short}`);
    expect(details.status).toBe(200);
    expect(await details.json()).toMatchObject({ id: runId, status: "completed" });

    const events = await server.api(`/api/runs/${short}/events`);
    expect(events.headers.get("x-run-id")).toBe(runId);
    const streamed = await collectSse(events);
    assertCompleteRun(streamed);
    expect(streamed.every((event) => event.runId === runId)).toBe(true);

    const cancel = await server.post(`/api/runs/${runId.slice(0, 6)}/cancel`, {});
    expect(await cancel.json()).toMatchObject({ id: runId, status: "completed" });

    const tooShort = await server.api(`/api/runs/${runId.slice(0, 5)}`);
    expect(tooShort.status).toBe(404);
    expect(await tooShort.json()).toMatchObject({ error: { code: "run_not_found" } });
  });

  it("a WebSocket subscribe by prefix is acked with the full id and streams the run", async () => {
    const runId = await finishedRun();
    socket = await TestSocket.open(`${server.url.replace(/^http/, "ws")}/api/ws`);
    socket.send({ type: "subscribe", id: "s", runId: runId.slice(0, 8) });
    expect(await socket.next()).toEqual({ type: "ack", id: "s", runId });
    assertCompleteRun(await socket.eventsUntilEnd(runId));
  });

  it("an ambiguous prefix is a 400 naming the candidates", async () => {
    const store = new MemoryRunStore();
    const runs = new RunManager({
      store,
      resolveRunner: catalogRunners(new CrewCatalog({ dirs: [FIXTURE_CREWS] })),
      model: createOfflineModel({ tokenMs: 0 }),
    });
    const app = createApp({
      runs,
      catalog: new CrewCatalog({ dirs: [FIXTURE_CREWS] }),
      webRoot: false,
      logger: memoryLogger(),
    });
    for (const id of ["e3960987-0001", "e39609aa-0002"])
      await store.createRun({ id, crew: "duo", inputs: {}, status: "queued" });
    const ambiguous = await app.request("/api/runs/e39609");
    expect(ambiguous.status).toBe(400);
    expect(await ambiguous.json()).toEqual({
      error: {
        code: "bad_request",
        message:
          'The run id prefix "e39609" matches several runs: e3960987-0001, e39609aa-0002. Give more characters.',
      },
    });
    const unique = await app.request("/api/runs/e3960987");
    expect(await unique.json()).toMatchObject({ id: "e3960987-0001", status: "queued" });
    await runs.close();
  });
});

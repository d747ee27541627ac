import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CrewEvent } from "../events/index.js";
import { startFakeOpenAI } from "../testing/index.js";
import type { FakeOpenAI } from "../testing/index.js";
import { assertCompleteRun, readSse } from "./test-support/sse-client.js";
import { startTestServer } from "./test-support/test-server.js";
import type { TestServer } from "./test-support/test-server.js";

let fake: FakeOpenAI;
let server: TestServer;

beforeAll(async () => {
  // Long, slow answers: a run is always mid-request when the test cancels it.
  fake = await startFakeOpenAI({ defaultTokens: 400, tokenDelayMs: 10 });
  const provider = createOpenAICompatible({
    name: "fake",
    baseURL: fake.baseURL,
    apiKey: "test-key",
  });
  server = await startTestServer({ model: provider.chatModel("fake-model") });
});
afterAll(async () => {
  await server.cleanup();
  await fake.close();
});

describe("runs against an OpenAI-compatible model server", () => {
  it("cancel mid-stream ends the run cancelled and closes the model request", async () => {
    const response = await server.post("/api/crew/stream", {
      crew: "duo",
      inputs: { topic: "kelp" },
    });
    const runId = response.headers.get("x-run-id")!;
    const before = fake.requests.length;
    const events: CrewEvent[] = [];
    let cancelled = false;
    for await (const message of readSse(response.body!)) {
      events.push(message.crewEvent);
      if (!cancelled && events.filter((event) => event.type === "text.delta").length === 3) {
        cancelled = true;
        expect((await server.api(`/api/runs/${runId}/cancel`, { method: "POST" })).status).toBe(
          200,
        );
      }
    }
    assertCompleteRun(events);
    expect(events.at(-1)).toMatchObject({ type: "run.end", status: "cancelled" });
    const request = fake.requests[before]!;
    expect(request.body?.stream).toBe(true);
    const closed = await fake.waitForClose(request);
    expect(closed.closedEarly).toBe(true);
    expect(fake.requests.length).toBe(before + 1);
  });

  it("closing the stream of a run started with onDisconnect cancel closes the model request", async () => {
    const before = fake.requests.length;
    const response = await server.post("/api/crew/stream", {
      crew: "duo",
      inputs: { topic: "reef" },
      onDisconnect: "cancel",
    });
    let deltas = 0;
    for await (const message of readSse(response.body!)) {
      if (message.crewEvent.type === "text.delta") deltas += 1;
      if (deltas === 3) break;
    }
    const closed = await fake.waitForClose(fake.requests[before]!);
    expect(closed.closedEarly).toBe(true);
  });

  it("a watcher leaving a default run leaves the model request running to the end", async () => {
    const before = fake.requests.length;
    const response = await server.post("/api/crew/stream", {
      crew: "duo",
      inputs: { topic: "dune" },
    });
    const runId = response.headers.get("x-run-id")!;
    for await (const message of readSse(response.body!))
      if (message.crewEvent.type === "text.delta") break;
    const closed = await fake.waitForClose(fake.requests[before]!);
    expect(closed.closedEarly).toBe(false);
    await server.api(`/api/runs/${runId}/cancel`, { method: "POST" });
  });
});

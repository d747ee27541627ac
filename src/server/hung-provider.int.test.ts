import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isFinished, runDetailsSchema, type RunDetails } from "../events/index.js";
import { MODEL_IDLE_TIMEOUT_ENV, resolveModel } from "../llm/index.js";
import { reply, startFakeOpenAI, type FakeOpenAI } from "../testing/index.js";
import { startTestServer, type TestServer } from "./test-support/test-server.js";

let fake: FakeOpenAI;
let server: TestServer;
const previous = process.env[MODEL_IDLE_TIMEOUT_ENV];

beforeAll(async () => {
  process.env[MODEL_IDLE_TIMEOUT_ENV] = "100";
  fake = await startFakeOpenAI();
  // A provider that accepts every request about "hung" and never answers it.
  fake.script((request) =>
    JSON.stringify(request.body?.messages).includes("hung") ? reply.silent() : undefined,
  );
  server = await startTestServer({
    maxConcurrentRuns: 1,
    model: resolveModel("compatible/fake-model", { env: { CREWSTREAM_BASE_URL: fake.baseURL } }),
  });
});

afterAll(async () => {
  if (previous === undefined) delete process.env[MODEL_IDLE_TIMEOUT_ENV];
  else process.env[MODEL_IDLE_TIMEOUT_ENV] = previous;
  await server.cleanup();
  await fake.close();
});

async function finished(runId: string): Promise<RunDetails> {
  for (;;) {
    const details = runDetailsSchema.parse(await (await server.api(`/api/runs/${runId}`)).json());
    if (isFinished(details.status)) return details;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("a hung provider", { timeout: 60_000 }, () => {
  it("fails its run with timeout after the retries, and frees the slot for the next run", async () => {
    const start = async (topic: string): Promise<string> => {
      const response = await server.post("/api/runs", { crew: "duo", inputs: { topic } });
      expect(response.status).toBe(202);
      return ((await response.json()) as { runId: string }).runId;
    };
    const hung = await start("hung");
    const next = await start("kelp");
    const failed = await finished(hung);
    expect(failed).toMatchObject({ status: "failed", error: { code: "timeout" } });
    expect(failed.error?.message).toMatch(/sent nothing for 100 ms/);
    // Every attempt was sent and abandoned by the client.
    const attempts = fake.requests.filter((r) => JSON.stringify(r.body?.messages).includes("hung"));
    expect(attempts.length).toBe(5);
    await Promise.all(attempts.map((r) => fake.waitForClose(r)));
    expect(attempts.every((r) => r.closedEarly)).toBe(true);
    expect(await finished(next)).toMatchObject({ status: "completed" });
  });
});

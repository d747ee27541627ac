import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeSchemaCrew } from "../crew/test-support/schema-crew.js";
import { parseEvent, type CrewEvent } from "../events/index.js";
import { reply, startFakeOpenAI, type FakeOpenAI } from "../testing/index.js";
import { runCli } from "./test-support/run-cli.js";

let fake: FakeOpenAI;
beforeEach(async () => {
  fake = await startFakeOpenAI();
});
afterEach(() => fake.close());

function lastEvent(stdout: string): CrewEvent | null {
  const parsed = parseEvent(JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}"));
  return parsed.ok ? parsed.event : null;
}

describe("crewstream run against an OpenAI-compatible server", { timeout: 180_000 }, () => {
  it("streams a real provider's answer and prints the result", async () => {
    fake.script(() => reply.text("The report is ready."));
    const result = await runCli(
      ["run", "--model", "compatible/test-model", "--progress-stderr", "--no-persist"],
      {
        env: { CREWSTREAM_BASE_URL: fake.baseURL },
      },
    );
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe("The report is ready.");
    expect(fake.requests.length).toBeGreaterThanOrEqual(3);
    expect(fake.requests.every((request) => request.body?.model === "test-model")).toBe(true);
  });

  it("a run that fails exits 1 with the error code and message on stderr", async () => {
    fake.script(() => reply.serverError(500));
    const result = await runCli(
      ["run", "--model", "compatible/test-model", "--jsonl", "--no-persist"],
      {
        env: { CREWSTREAM_BASE_URL: fake.baseURL },
      },
    );
    expect(result.code).toBe(1);
    const end = lastEvent(result.stdout);
    expect(end?.type).toBe("run.end");
    if (end?.type !== "run.end") return;
    expect(end.status).toBe("failed");
    expect(end.error?.code).toBe("provider_error");
    expect(result.stderr).toContain(`error [provider_error]: ${end.error?.message ?? ""}`);
  });

  it("prints a provider's warnings about a call with the step, not as the AI SDK's console line", async () => {
    const crew = await mkdtemp(join(tmpdir(), "crewstream-schema-crew-"));
    try {
      await writeSchemaCrew(crew);
      fake.script(() => reply.text('{"title": "Salt"}'));
      const result = await runCli(
        ["run", crew, "--model", "compatible/test-model", "--no-persist", "-i", "topic=salt"],
        { env: { CREWSTREAM_BASE_URL: fake.baseURL } },
      );
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(
        '  Writer step 1 (answer): {"title": "Salt"}\n    ⚠ The feature "responseFormat" is not supported.',
      );
      expect(result.stderr).not.toContain("AI SDK Warning");
    } finally {
      await rm(crew, { recursive: true, force: true });
    }
  });
});

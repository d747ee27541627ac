import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CrewCatalog } from "../crew/index.js";
import { createOfflineModel } from "../offline/index.js";
import { catalogRunners, RunManager } from "../runs/index.js";
import { MemoryRunStore } from "../store/index.js";
import { createApp } from "./app.js";
import { memoryLogger } from "./test-support/test-server.js";

const examples = resolve(import.meta.dirname, "..", "..", "examples");
let outputDir: string;
let runs: RunManager;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  outputDir = await mkdtemp(join(tmpdir(), "crewstream-files-"));
  vi.stubEnv("CREWSTREAM_OUTPUT_DIR", outputDir);
  const catalog = new CrewCatalog({ dirs: [examples] });
  runs = new RunManager({
    store: new MemoryRunStore(),
    resolveRunner: catalogRunners(catalog),
    model: createOfflineModel({ tokenMs: 0 }),
  });
  app = createApp({ runs, catalog, webRoot: false, logger: memoryLogger() });
});
afterAll(async () => {
  await runs.close();
  vi.unstubAllEnvs();
  await rm(outputDir, { recursive: true, force: true });
});

async function finishedRun(): Promise<{ id: string; events: Array<Record<string, unknown>> }> {
  const started = await app.request("/api/runs", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ crew: "structured-crew", inputs: {} }),
  });
  const { runId } = (await started.json()) as { runId: string };
  const events = await app.request(`/api/runs/${runId}/events`, {
    headers: { accept: "application/x-ndjson" },
  });
  const lines = (await events.text()).trim().split("\n");
  return { id: runId, events: lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe("a run's files", () => {
  it("writes each output_file in the run's folder and serves it", async () => {
    const { id, events } = await finishedRun();
    expect(events.at(-1)).toMatchObject({ type: "run.end", status: "completed" });
    const brief = events.find((e) => e["type"] === "task.end" && e["task"] === "brief_task");
    expect(brief).toMatchObject({ file: "brief.json" });
    const file = await app.request(`/api/runs/${id}/files/brief.json`);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await file.json()).toEqual(brief?.["object"]);
    const note = await app.request(`/api/runs/${id}/files/note.md`);
    expect(note.headers.get("content-type")).toMatch(/^text\/markdown/);
    expect(await note.text()).toContain("offline model");
    const checks = events.filter((e) => e["type"] === "guardrail.check");
    expect(checks.map((e) => e["ok"])).toEqual([false, true]);
  });

  it("refuses names that leave the folder, and answers 404 for files the run did not write", async () => {
    const { id } = await finishedRun();
    const missing = await app.request(`/api/runs/${id}/files/other.md`);
    expect(missing.status).toBe(404);
    const escape = await app.request(`/api/runs/${id}/files/..%2F..%2Fsecret.txt`);
    expect(escape.status).toBe(400);
    expect(((await escape.json()) as { error: { message: string } }).error.message).toMatch(/\.\./);
    const noRun = await app.request(`/api/runs/nope-nope-nope/files/brief.json`);
    expect(noRun.status).toBe(404);
  });

  it("lists the example crew with no warnings, and a crew's warnings when it has some", async () => {
    const listing = (await (await app.request("/api/crews")).json()) as {
      crews: Array<{ name: string; warnings?: unknown[] }>;
    };
    expect(listing.crews.find((c) => c.name === "structured-crew")?.warnings).toEqual([]);
    const extras = new CrewCatalog({
      dirs: [resolve(import.meta.dirname, "..", "crew", "fixtures", "good-crews")],
    });
    const other = createApp({ runs, catalog: extras, webRoot: false, logger: memoryLogger() });
    const crews = (await (await other.request("/api/crews")).json()) as {
      crews: Array<{
        name: string;
        warnings?: Array<{ key: string; file?: string; line?: number }>;
      }>;
    };
    expect(crews.crews.find((c) => c.name === "unknown-keys")?.warnings).toContainEqual(
      expect.objectContaining({ file: "crew.yaml", line: 2, key: "proces" }),
    );
  });
});

import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CrewCatalog } from "../crew/index.js";
import { createOfflineModel } from "../offline/index.js";
import { catalogRunners, RunManager } from "../runs/index.js";
import { MemoryRunStore } from "../store/index.js";
import type { ListRunsOptions, RunPage } from "../store/index.js";
import { createApp, crewstreamVersion } from "./app.js";
import type { AppOptions } from "./app.js";
import { readSse } from "./test-support/sse-client.js";
import { FIXTURE_CREWS, memoryLogger } from "./test-support/test-server.js";

/** A store whose listing fails like a broken disk would. */
class BrokenListStore extends MemoryRunStore {
  override async listRuns(_options?: ListRunsOptions): Promise<RunPage> {
    throw new Error("disk on fire: /var/lib/secret.db");
  }
}

const catalog = new CrewCatalog({ dirs: [FIXTURE_CREWS] });
const managers: RunManager[] = [];
let webRoot: string;

function manager(store = new MemoryRunStore()): RunManager {
  const runs = new RunManager({
    store,
    resolveRunner: catalogRunners(catalog),
    model: createOfflineModel({ tokenMs: 0 }),
  });
  managers.push(runs);
  return runs;
}

function app(options: Partial<AppOptions> = {}): ReturnType<typeof createApp> {
  return createApp({
    runs: manager(),
    catalog,
    webRoot: false,
    logger: memoryLogger(),
    ...options,
  });
}

beforeAll(async () => {
  webRoot = await mkdtemp(join(tmpdir(), "crewstream-web-"));
  await mkdir(join(webRoot, "assets"));
  await writeFile(join(webRoot, "index.html"), "<!doctype html><title>crewstream ui</title>");
  await writeFile(join(webRoot, "assets", "app.js"), "console.log('ui')");
});
afterAll(async () => {
  for (const runs of managers) await runs.close();
  await rm(webRoot, { recursive: true, force: true });
});

describe("createApp", () => {
  it("answers health with the package version", async () => {
    const response = await app().request("/api/health");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      ok: true,
      name: "crewstream",
      version: crewstreamVersion(),
    });
  });

  it("lists crews with agents, tasks and required inputs, without server paths", async () => {
    const body = (await (await app().request("/api/crews")).json()) as {
      crews: Array<Record<string, unknown>>;
    };
    const duo = body.crews.find((crew) => crew.name === "duo");
    expect(duo).toMatchObject({
      process: "sequential",
      agents: [
        { key: "researcher", role: "{topic} Researcher" },
        { key: "writer", role: "{topic} Writer" },
      ],
      tasks: [
        { key: "research_task", agent: "researcher" },
        { key: "writing_task", agent: "writer" },
      ],
      inputs: ["topic"],
    });
    expect(body.crews.find((crew) => crew.name === "review")).toMatchObject({ inputs: [] });
    expect(body.crews.filter((crew) => crew.default === true)).toHaveLength(1);
    expect(JSON.stringify(body)).not.toContain(FIXTURE_CREWS);
  });

  it("is a Web-standard fetch handler", async () => {
    const handler: (request: Request) => Response | Promise<Response> = app().fetch;
    const response = await handler(
      new Request("http://localhost/api/runs", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ crew: "duo", inputs: { topic: "rain" } }),
      }),
    );
    expect(response.status).toBe(202);
    const { runId } = (await response.json()) as { runId: string };
    expect(response.headers.get("x-run-id")).toBe(runId);
  });

  it("pages runs newest first, with a status filter", async () => {
    const paged = app();
    const ids: string[] = [];
    for (const topic of ["a", "b", "c"]) {
      const response = await paged.request("/api/runs", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ crew: "duo", inputs: { topic } }),
      });
      ids.push(((await response.json()) as { runId: string }).runId);
    }
    type Page = { runs: Array<{ id: string; status: string }>; nextCursor?: string };
    const first = (await (await paged.request("/api/runs?limit=2")).json()) as Page;
    expect(first.runs.map((run) => run.id)).toEqual([ids[2], ids[1]]);
    expect(first.nextCursor).toBeDefined();
    const second = (await (
      await paged.request(`/api/runs?limit=2&before=${encodeURIComponent(first.nextCursor!)}`)
    ).json()) as Page;
    expect(second.runs.map((run) => run.id)).toEqual([ids[0]]);
    expect(second.nextCursor).toBeUndefined();
    // The oldest run is cancelled, or already completed if it was quicker: either way it is final.
    const cancelled = await paged.request(`/api/runs/${ids[0]}/cancel`, { method: "POST" });
    const { status } = (await cancelled.json()) as { status: string };
    expect(["cancelled", "completed"]).toContain(status);
    const filtered = (await (await paged.request(`/api/runs?status=${status}`)).json()) as Page;
    expect(filtered.runs.map((run) => run.id)).toContain(ids[0]);
    expect(filtered.runs.every((run) => run.status === status)).toBe(true);
  });

  it("logs internal errors with their cause and answers a generic 500", async () => {
    const logger = memoryLogger();
    const response = await createApp({
      runs: manager(new BrokenListStore()),
      catalog,
      webRoot: false,
      logger,
    }).request("/api/runs");
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      error: { code: "internal", message: "An internal error occurred." },
    });
    expect(text).not.toContain("disk on fire");
    expect(logger.lines.join("\n")).toContain("disk on fire");
  });

  it("caps concurrent streams per client with 429 and frees a slot when a stream closes", async () => {
    const runs = manager();
    const capped = createApp({
      runs,
      catalog,
      webRoot: false,
      maxStreamsPerClient: 2,
      clientKey: () => "one-client",
    });
    // The review crew waits for human input, so its streams stay open.
    const start = await capped.request("/api/runs", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ crew: "review" }),
    });
    const { runId } = (await start.json()) as { runId: string };
    const first = await capped.request(`/api/runs/${runId}/events`);
    const second = await capped.request(`/api/runs/${runId}/events`);
    expect([first.status, second.status]).toEqual([200, 200]);
    const third = await capped.request(`/api/runs/${runId}/events`);
    expect(third.status).toBe(429);
    expect(((await third.json()) as { error: { code: string } }).error.code).toBe(
      "too_many_requests",
    );
    const refusedStart = await capped.request("/api/crew/stream", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ crew: "review" }),
    });
    expect(refusedStart.status).toBe(429);
    await first.body!.cancel();
    const fourth = await capped.request(`/api/runs/${runId}/events`);
    expect(fourth.status).toBe(200);
    for await (const message of readSse(fourth.body!))
      if (message.crewEvent.type === "run.start") break;
    await second.body!.cancel();
    await runs.cancel(runId);
  });
});

describe("CORS", () => {
  it("sends no CORS headers by default", async () => {
    const response = await app().request("/api/health", {
      headers: { origin: "http://evil.example" },
    });
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("allows only the configured origins, preflight included", async () => {
    const cors = app({ corsOrigins: ["http://ui.example"], token: "t" });
    const preflight = await cors.request("/api/runs", {
      method: "OPTIONS",
      headers: {
        origin: "http://ui.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type",
      },
    });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("http://ui.example");
    const other = await cors.request("/api/health", {
      headers: { origin: "http://evil.example", authorization: "Bearer t" },
    });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    const allowed = await cors.request("/api/health", {
      headers: { origin: "http://ui.example", authorization: "Bearer t" },
    });
    expect(allowed.headers.get("access-control-allow-origin")).toBe("http://ui.example");
    expect(allowed.headers.get("access-control-expose-headers")).toMatch(/x-run-id/i);
  });
});

describe("web UI", () => {
  it("serves files, falls back to index.html for app routes, and never leaves the folder", async () => {
    const ui = app({ webRoot });
    expect(await (await ui.request("/")).text()).toContain("crewstream ui");
    const script = await ui.request("/assets/app.js");
    expect(script.headers.get("content-type")).toMatch(/javascript/);
    expect(await script.text()).toBe("console.log('ui')");
    expect(await (await ui.request("/runs/abc")).text()).toContain("crewstream ui");
    for (const path of [
      "/../package.json",
      "/%2e%2e/package.json",
      "/assets/%2e%2e%2f%2e%2e%2fpackage.json",
      "/..%5c..%5cpackage.json",
    ]) {
      const text = await (await ui.request(path)).text();
      expect(text).not.toContain('"name": "crewstream"');
    }
    const api = await ui.request("/api/nope");
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: { code: "not_found" } });
  });

  it("says how to build the UI when the folder is missing", async () => {
    const response = await app({ webRoot: join(webRoot, "missing") }).request("/");
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/web UI has not been built/);
  });
});

/**
 * `GET /metrics` of a cluster server (`crewstream serve --redis`): the token like `/api`, the
 * cluster's queued and executing runs read from the shared queue, this server's open streams,
 * an exposition `promtool` accepts; none with metrics off.
 */
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CrewCatalog } from "../crew/index.js";
import { catalogRunners } from "../runs/index.js";
import { promtoolCheck } from "../server/test-support/prometheus-server.js";
import { startClusterServer } from "./cluster-server.js";
import { RunWorker } from "./run-worker.js";
import { startTestRedis, type TestRedis } from "./test-support/redis-server.js";

const CREWS = fileURLToPath(new URL("../server/fixtures/crews", import.meta.url));
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const TOKEN = "cluster-token";
const auth = { authorization: `Bearer ${TOKEN}` };
let redis: TestRedis;
let n = 0;
const cleanup: Array<() => Promise<void>> = [];

beforeAll(async () => {
  redis = await startTestRedis();
});
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()!();
});
afterAll(async () => {
  await redis.close();
});

async function server(metrics?: boolean) {
  const prefix = `m${n++}:`;
  const running = await startClusterServer({
    redisUrl: redis.url,
    prefix,
    port: 0,
    crewsDirs: [CREWS],
    webRoot: false,
    logger: quiet,
    token: TOKEN,
    ...(metrics === undefined ? {} : { metrics }),
  });
  cleanup.push(() => running.close());
  return { ...running, prefix };
}

/** The value of one sample line of an exposition, e.g. `crewstream_runs_queued`. */
function sample(exposition: string, series: string): number | undefined {
  const line = exposition.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("GET /metrics of a cluster server", () => {
  it("needs the token and reports the cluster's queued and executing runs and its streams", async () => {
    const cluster = await server();
    const scrape = async (): Promise<string> => {
      const response = await fetch(`${cluster.url}/metrics`, { headers: auth });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
      return response.text();
    };
    expect((await fetch(`${cluster.url}/metrics`)).status).toBe(401);

    // No worker yet: the run waits in the queue.
    const started = await fetch(`${cluster.url}/api/runs`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ crew: "review", inputs: { topic: "bees" } }),
    });
    expect(started.status).toBe(202);
    const { runId } = (await started.json()) as { runId: string };
    const queued = await scrape();
    expect(sample(queued, "crewstream_runs_queued")).toBe(1);
    expect(sample(queued, "crewstream_runs_active")).toBe(0);
    expect(sample(queued, "crewstream_subscribers")).toBe(0);

    // A worker takes it; the crew's task waits for human input, so the run stays executing.
    const worker = new RunWorker({
      store: cluster.store,
      resolveRunner: catalogRunners(new CrewCatalog({ dirs: [CREWS] })),
      concurrency: 1,
      logger: quiet,
    });
    await worker.start();
    cleanup.push(() => worker.close());
    const watch = new AbortController();
    const events = await fetch(`${cluster.url}/api/runs/${runId}/events`, {
      headers: auth,
      signal: watch.signal,
    });
    expect(events.status).toBe(200);
    await expect
      .poll(async () => sample(await scrape(), "crewstream_runs_active"), { timeout: 10_000 })
      .toBe(1);
    const executing = await scrape();
    expect(sample(executing, "crewstream_runs_queued")).toBe(0);
    expect(sample(executing, "crewstream_subscribers")).toBe(1);

    const check = promtoolCheck(executing);
    expect(check.output).toBe("");
    expect(check.status).toBe(0);

    watch.abort();
    await events.body?.cancel().catch(() => undefined);
    await cluster.runs.cancel(runId);
    await expect
      .poll(async () => sample(await scrape(), "crewstream_runs_active"), { timeout: 10_000 })
      .toBe(0);
  }, 30_000);

  it("serves none with metrics off", async () => {
    const cluster = await server(false);
    expect((await fetch(`${cluster.url}/metrics`, { headers: auth })).status).toBe(404);
  });
});

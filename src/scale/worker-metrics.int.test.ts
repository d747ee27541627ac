/**
 * `crewstream worker --metrics-port`: the worker process serves the metrics of the runs it
 * executes (outcomes, events appended, store latency, model calls, tokens), which a cluster
 * server cannot count. A real redis-server, a cluster server queueing a run, a worker spawned
 * as its own process on the offline model; then a scrape, with the token the servers use.
 */
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { promtoolCheck } from "../server/test-support/prometheus-server.js";
import { startClusterServer } from "./cluster-server.js";
import { freePort, startTestRedis, type TestRedis } from "./test-support/redis-server.js";
import { spawnCrewstream } from "./test-support/spawn-node.js";

const CREWS = fileURLToPath(new URL("../server/fixtures/crews", import.meta.url));
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const TOKEN = "worker-metrics-token";
const auth = { authorization: `Bearer ${TOKEN}` };

let redis: TestRedis;
const cleanup: Array<() => Promise<void>> = [];

beforeAll(async () => {
  redis = await startTestRedis();
}, 60_000);
afterAll(async () => {
  while (cleanup.length > 0) await cleanup.pop()!();
  await redis.close();
});

/** The sum of the sample lines of one metric, e.g. every `{provider,model}` series of a counter. */
function total(exposition: string, series: string): number {
  return exposition
    .split("\n")
    .filter((line) => line.startsWith(`${series} `) || line.startsWith(`${series}{`))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(" ") + 1)), 0);
}

it("serves the worker's run outcomes, events and model calls at /metrics, behind the token", async () => {
  const cluster = await startClusterServer({
    redisUrl: redis.url,
    port: 0,
    crewsDirs: [CREWS],
    webRoot: false,
    logger: quiet,
    token: TOKEN,
  });
  cleanup.push(() => cluster.close());
  const port = await freePort();
  const worker = await spawnCrewstream(
    ["worker", "--redis", redis.url, "--crews", CREWS, "--metrics-port", String(port)],
    /metrics at (http:\/\/\S+)/,
    { CREWSTREAM_MODEL: "offline", CREWSTREAM_OFFLINE_TOKEN_MS: "0", CREWSTREAM_TOKEN: TOKEN },
  );
  cleanup.push(() => worker.kill());
  expect(worker.ready).toBe(`http://127.0.0.1:${port}/metrics`);

  const denied = await fetch(worker.ready);
  expect(denied.status).toBe(401);
  expect(denied.headers.get("www-authenticate")).toMatch(/^Bearer/);
  expect((await fetch(worker.ready, { headers: { authorization: "Bearer wrong" } })).status).toBe(
    401,
  );
  const scrape = async (): Promise<string> => {
    const response = await fetch(worker.ready, { headers: auth });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    return response.text();
  };
  const before = await scrape();
  expect(total(before, "crewstream_runs_total")).toBe(0);
  expect(total(before, "crewstream_events_appended_total")).toBe(0);

  const started = await fetch(`${cluster.url}/api/runs`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({ crew: "duo", inputs: { topic: "bees" } }),
  });
  expect(started.status).toBe(202);
  const { runId } = (await started.json()) as { runId: string };
  await expect
    .poll(async () => (await cluster.runs.get(runId))?.status, { timeout: 30_000 })
    .toBe("completed");

  // The run's end is counted once its events are in the store, so poll the scrape too.
  await expect
    .poll(async () => total(await scrape(), 'crewstream_runs_total{status="completed"}'), {
      timeout: 10_000,
    })
    .toBe(1);
  const after = await scrape();
  const events = (await cluster.store.readEvents(runId, 0)).length;
  expect(total(after, "crewstream_events_appended_total")).toBe(events);
  expect(total(after, "crewstream_store_append_seconds_count")).toBeGreaterThan(0);
  expect(total(after, "crewstream_model_requests_total")).toBeGreaterThan(0);
  expect(total(after, "crewstream_model_tokens_total")).toBeGreaterThan(0);
  expect(total(after, "crewstream_run_duration_seconds_count")).toBe(1);
  expect(total(after, "crewstream_runs_active")).toBe(0);

  const check = promtoolCheck(after);
  expect(check.output).toBe("");
  expect(check.status).toBe(0);

  // Only /metrics is served on the metrics port.
  expect((await fetch(`http://127.0.0.1:${port}/api/runs`, { headers: auth })).status).toBe(404);

  // SIGTERM closes the endpoint with the worker; nothing keeps the process from exiting.
  await worker.kill("SIGTERM");
  expect(worker.child.exitCode).toBe(0);
  await expect(fetch(worker.ready, { headers: auth })).rejects.toThrow();
}, 90_000);

/**
 * Two servers and two workers as separate processes sharing one Redis. Twenty runs are started
 * from clients spread over both servers; midway one worker is killed (SIGKILL) and one server
 * too. Every run must end with exactly one run.end (interrupted ones included), and every client
 * must have seen a gapless, duplicate-free sequence, reconnecting to the other server with
 * Last-Event-ID when its server died.
 */
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { RedisRunStore } from "./redis-store.js";
import { followRunSse, gaplessProblems, type FollowResult } from "./test-support/follow-sse.js";
import { startTestRedis, type TestRedis } from "./test-support/redis-server.js";
import { spawnCrewstream, type SpawnedProcess } from "./test-support/spawn-node.js";

const CREWS = fileURLToPath(new URL("../server/fixtures/crews", import.meta.url));
const RUNS = 20;
const ENV = {
  CREWSTREAM_OFFLINE_TOKEN_MS: "5",
  CREWSTREAM_MODEL: "offline",
  CREWSTREAM_STALL_MS: "1500",
};

let redis: TestRedis;
const processes: SpawnedProcess[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
}, 60_000);
afterAll(async () => {
  await Promise.all(processes.map((p) => p.kill("SIGKILL")));
  await redis.close();
});

it("keeps every run and every client consistent when a worker and a server die midway", async () => {
  const common = ["--redis", redis.url, "--crews", CREWS];
  const started = await Promise.all([
    spawnCrewstream(["serve", ...common, "--port", "0"], /listening on (http:\/\/\S+)/, ENV),
    spawnCrewstream(["serve", ...common, "--port", "0"], /listening on (http:\/\/\S+)/, ENV),
    spawnCrewstream(["worker", ...common, "--concurrency", "10"], /taking runs/, ENV),
    spawnCrewstream(["worker", ...common, "--concurrency", "10"], /taking runs/, ENV),
  ]);
  processes.push(...started);
  const [serverA, serverB, doomedWorker] = started;
  const alive = new Set([serverA.ready, serverB.ready]);
  const servers = (): string[] => [...alive];

  const runIds: string[] = [];
  for (let i = 0; i < RUNS; i++) {
    const base = i % 2 === 0 ? serverA.ready : serverB.ready;
    const response = await fetch(`${base}/api/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ crew: "duo", inputs: { topic: `topic ${i}` } }),
    });
    expect(response.status).toBe(202);
    runIds.push(((await response.json()) as { runId: string }).runId);
  }
  // Clients start on alternating servers; each rotates to the other one when its server dies.
  const follows: Array<Promise<FollowResult>> = runIds.map((runId, i) =>
    followRunSse(() => (i % 2 === 0 ? servers() : servers().reverse()), runId, {
      signal: AbortSignal.timeout(60_000),
    }),
  );

  const store = new RedisRunStore({ url: redis.url });
  try {
    // Midway: once some runs have streamed a good part of their events.
    for (let i = 0; i < 200; i++) {
      const records = await Promise.all(runIds.map((id) => store.getRun(id)));
      if (records.filter((record) => (record?.lastSeq ?? 0) > 20).length >= 4) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await doomedWorker.kill("SIGKILL");
    alive.delete(serverA.ready);
    await serverA.kill("SIGKILL");

    const results = await Promise.all(follows);
    for (const [i, result] of results.entries()) {
      expect(gaplessProblems(result.events), `run ${runIds[i]}`).toEqual([]);
      const stored = await store.readEvents(runIds[i]!, 0);
      expect(result.events).toEqual(stored);
      const record = await store.getRun(runIds[i]!);
      expect(record?.lastSeq).toBe(stored.length);
    }
    const ends = results.map((result) => result.events.at(-1));
    const interrupted = ends.filter(
      (end) => end?.type === "run.end" && end.error?.code === "interrupted",
    );
    const completed = ends.filter((end) => end?.type === "run.end" && end.status === "completed");
    expect(interrupted.length + completed.length).toBe(RUNS);
    // The killed worker had runs in flight; their clients saw them end as interrupted.
    expect(interrupted.length).toBeGreaterThan(0);
    expect(completed.length).toBeGreaterThan(0);
    // Half the clients were on the killed server and had to resume on the other one.
    expect(results.filter((result) => result.connections > 1).length).toBeGreaterThan(0);
    expect(await store.listUnfinished()).toEqual([]);
  } finally {
    await store.close();
  }
}, 90_000);

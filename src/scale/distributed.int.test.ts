import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CrewCatalog } from "../crew/index.js";
import { catalogRunners } from "../runs/index.js";
import { RedisRunStore } from "./redis-store.js";
import { startClusterServer, type RunningClusterServer } from "./cluster-server.js";
import { claimRun } from "./run-claim.js";
import { sweepStalledRuns } from "./run-sweeper.js";
import { RunWorker } from "./run-worker.js";
import { followRunSse, gaplessProblems } from "./test-support/follow-sse.js";
import { startTestRedis, type TestRedis } from "./test-support/redis-server.js";

const CREWS = fileURLToPath(new URL("../server/fixtures/crews", import.meta.url));
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
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

async function cluster(options: { workers?: number; stallMs?: number } = {}) {
  const prefix = `t${n++}:`;
  const servers: RunningClusterServer[] = [];
  for (let i = 0; i < 2; i++) {
    const server = await startClusterServer({
      redisUrl: redis.url,
      prefix,
      port: 0,
      crewsDirs: [CREWS],
      webRoot: false,
      logger: quiet,
      ...(options.stallMs === undefined ? {} : { stallMs: options.stallMs }),
    });
    servers.push(server);
    cleanup.push(() => server.close());
  }
  const store = new RedisRunStore({ url: redis.url, prefix });
  cleanup.push(() => store.close());
  const workers: RunWorker[] = [];
  for (let i = 0; i < (options.workers ?? 1); i++) {
    const worker = new RunWorker({
      store,
      resolveRunner: catalogRunners(new CrewCatalog({ dirs: [CREWS] })),
      concurrency: 2,
      logger: quiet,
      ...(options.stallMs === undefined ? {} : { stallMs: options.stallMs }),
    });
    await worker.start();
    workers.push(worker);
    cleanup.push(() => worker.close());
  }
  return { servers, store, workers, prefix };
}

async function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("servers in front of workers", () => {
  it("runs a crew started on one server on a worker and streams it from the other", async () => {
    const { servers } = await cluster();
    const started = await post(`${servers[0]!.url}/api/runs`, {
      crew: "duo",
      inputs: { topic: "tides" },
    });
    expect(started.status).toBe(202);
    const { runId } = (await started.json()) as { runId: string };
    const seen = await followRunSse(() => [servers[1]!.url], runId);
    expect(gaplessProblems(seen.events)).toEqual([]);
    expect(seen.events.at(-1)).toMatchObject({ type: "run.end", status: "completed" });
    const details = (await (await fetch(`${servers[0]!.url}/api/runs/${runId}`)).json()) as Record<
      string,
      unknown
    >;
    expect(details).toMatchObject({ id: runId, status: "completed", lastSeq: seen.events.length });
    const listed = (await (await fetch(`${servers[1]!.url}/api/runs`)).json()) as {
      runs: Array<{ id: string }>;
    };
    expect(listed.runs.map((run) => run.id)).toContain(runId);
  });

  it("answers human input and cancels through a server other than the one that started the run", async () => {
    const { servers, store } = await cluster();
    const [a, b] = [servers[0]!.url, servers[1]!.url];
    const first = (await (await post(`${a}/api/runs`, { crew: "review", inputs: {} })).json()) as {
      runId: string;
    };
    const request = await until(async () => {
      const events = await store.readEvents(first.runId, 0);
      return events.find((event) => event.type === "input.request");
    }, "the input request");
    expect(
      (await post(`${b}/api/runs/${first.runId}/input`, { requestId: "nope", text: "x" })).status,
    ).toBe(409);
    expect(
      (
        await post(`${b}/api/runs/${first.runId}/input`, {
          requestId: request.requestId,
          text: "Approved.",
        })
      ).status,
    ).toBeLessThan(300);
    const answered = await followRunSse(() => [a], first.runId);
    expect(gaplessProblems(answered.events)).toEqual([]);
    expect(answered.events).toContainEqual(
      expect.objectContaining({ type: "input.response", text: "Approved." }),
    );
    expect(answered.events.at(-1)).toMatchObject({ status: "completed" });

    const second = (await (await post(`${a}/api/runs`, { crew: "review", inputs: {} })).json()) as {
      runId: string;
    };
    await until(async () => {
      const record = (await (await fetch(`${a}/api/runs/${second.runId}`)).json()) as {
        summary?: unknown;
        lastSeq: number;
      };
      return record.lastSeq > 1 ? record : undefined;
    }, "the second run to start");
    const cancelled = await post(`${b}/api/runs/${second.runId}/cancel`, {});
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({ status: "cancelled" });
    const events = (await followRunSse(() => [a], second.runId)).events;
    expect(gaplessProblems(events)).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: "run.end", status: "cancelled" });
  });

  it("cancels a run still waiting for a worker", async () => {
    const { servers } = await cluster({ workers: 0 });
    const response = await post(`${servers[0]!.url}/api/runs`, {
      crew: "duo",
      inputs: { topic: "x" },
    });
    const body = (await response.json()) as { runId: string };
    expect(body, JSON.stringify(body)).toHaveProperty("runId");
    const { runId } = body;
    const cancelled = await post(`${servers[1]!.url}/api/runs/${runId}/cancel`, {});
    expect(await cancelled.json()).toMatchObject({ status: "cancelled" });
    const events = (await followRunSse(() => [servers[0]!.url], runId)).events;
    expect(events.map((event) => event.type)).toEqual(["run.start", "run.end"]);
  });

  it("ends a run whose worker stopped beating exactly once, however many sweepers see it", async () => {
    const { store } = await cluster({ workers: 0, stallMs: 60_000 });
    await store.createRun({ id: "orphan", crew: "duo", inputs: {}, status: "queued" });
    expect(await claimRun(store.redis, store.keys, "orphan", "gone", 50)).toEqual({
      claimed: true,
      cancelled: false,
    });
    expect((await claimRun(store.redis, store.keys, "orphan", "other", 50)).claimed).toBe(false);
    await until(
      async () =>
        (await store.redis.exists(store.keys.heartbeat("orphan"))) === 0 ? true : undefined,
      "the heartbeat to expire",
    );
    const sweeps = await Promise.all([1, 2, 3].map(() => sweepStalledRuns(store, quiet)));
    expect(sweeps.flat()).toEqual(["orphan"]);
    const events = await store.readEvents("orphan", 0);
    expect(events.map((event) => event.type)).toEqual(["run.start", "run.end"]);
    expect(events[1]).toMatchObject({ status: "failed", error: { code: "interrupted" } });
  });

  it("answers 503 with a message while Redis is down and recovers when it is back", async () => {
    const { servers } = await cluster({ workers: 0 });
    const url = servers[0]!.url;
    await redis.stop();
    const down = await until(async () => {
      const response = await fetch(`${url}/api/runs`);
      return response.status === 503 ? response : undefined;
    }, "a 503");
    expect(((await down.json()) as { error: { message: string } }).error.message).toMatch(
      /Redis at redis:\/\/127\.0\.0\.1:\d+.* cannot be reached/,
    );
    await redis.start();
    const up = await until(async () => {
      const response = await fetch(`${url}/api/runs`);
      return response.status === 200 ? response : undefined;
    }, "a 200 after Redis came back");
    expect(await up.json()).toMatchObject({ runs: [] });
  });
});

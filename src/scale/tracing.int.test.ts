/**
 * A run started on a cluster server and executed by a worker (separate processes sharing Redis)
 * is one trace: the worker's run span is a child of the server's enqueue span.
 */
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  attributesOf,
  startOtlpReceiver,
  type OtlpReceiver,
} from "../observe/test-support/otlp-receiver.js";
import { startTestRedis, type TestRedis } from "./test-support/redis-server.js";
import { spawnCrewstream, type SpawnedProcess } from "./test-support/spawn-node.js";

const CREWS = fileURLToPath(new URL("../server/fixtures/crews", import.meta.url));

let redis: TestRedis;
let receiver: OtlpReceiver;
const processes: SpawnedProcess[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  receiver = await startOtlpReceiver();
}, 60_000);
afterAll(async () => {
  await Promise.all(processes.map((p) => p.kill("SIGKILL")));
  await redis.close();
  await receiver.close();
});

it(
  "carries the trace context from the server to the worker with the job",
  { timeout: 120_000 },
  async () => {
    const env = {
      CREWSTREAM_OFFLINE_TOKEN_MS: "0",
      CREWSTREAM_MODEL: "offline",
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    };
    const common = ["--redis", redis.url, "--crews", CREWS];
    const [server, worker] = await Promise.all([
      spawnCrewstream(["serve", ...common, "--port", "0"], /listening on (http:\/\/\S+)/, {
        ...env,
        OTEL_SERVICE_NAME: "crewstream-server",
      }),
      spawnCrewstream(["worker", ...common], /taking runs/, {
        ...env,
        OTEL_SERVICE_NAME: "crewstream-worker",
      }),
    ]);
    processes.push(server, worker);
    const response = await fetch(`${server.ready}/api/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ crew: "duo", inputs: { topic: "kelp" } }),
    });
    const { runId } = (await response.json()) as { runId: string };
    await expect
      .poll(
        async () =>
          ((await (await fetch(`${server.ready}/api/runs/${runId}`)).json()) as { status: string })
            .status,
        { timeout: 30_000 },
      )
      .toBe("completed");
    // A graceful stop flushes both exporters.
    await Promise.all([server.kill("SIGTERM"), worker.kill("SIGTERM")]);

    const spans = receiver
      .jsonSpans()
      .filter((s) => attributesOf(s)["crewstream.run.id"] === runId);
    const enqueue = spans.find((s) => s.name === "enqueue duo")!;
    const run = spans.find((s) => s.name === "invoke_workflow duo")!;
    expect(enqueue.resource["service.name"]).toBe("crewstream-server");
    expect(run.resource["service.name"]).toBe("crewstream-worker");
    expect(run.traceId).toBe(enqueue.traceId);
    expect(run.parentSpanId).toBe(enqueue.spanId);
    const tasks = spans.filter((s) => s.name.startsWith("task "));
    expect(tasks).toHaveLength(2);
    for (const span of spans) expect(span.traceId).toBe(enqueue.traceId);
  },
);

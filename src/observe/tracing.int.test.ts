import { afterEach, describe, expect, it, vi } from "vitest";
import { startTestServer } from "../server/test-support/test-server.js";
import {
  attributesOf,
  startOtlpReceiver,
  type OtlpReceiver,
} from "./test-support/otlp-receiver.js";
import { tracingConfigured } from "./tracing.js";

let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  vi.unstubAllEnvs();
  await receiver?.close();
  receiver = undefined;
});

async function runToEnd(server: Awaited<ReturnType<typeof startTestServer>>, crew = "duo") {
  const started = await server.post("/api/runs", { crew, inputs: { topic: "salt" } });
  const { runId } = (await started.json()) as { runId: string };
  await expect
    .poll(
      async () =>
        ((await (await server.api(`/api/runs/${runId}`)).json()) as { status: string }).status,
      { timeout: 10_000 },
    )
    .toBe("completed");
  return runId;
}

describe("OpenTelemetry traces", () => {
  it("is off unless an OTLP endpoint is configured, and off with OTEL_SDK_DISABLED", () => {
    expect(tracingConfigured({})).toBe(false);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" })).toBe(true);
    expect(
      tracingConfigured({
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318",
        OTEL_SDK_DISABLED: "true",
      }),
    ).toBe(false);
  });

  it("exports a run span, task spans and GenAI model-call spans over OTLP/HTTP JSON", async () => {
    receiver = await startOtlpReceiver();
    vi.stubEnv("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.url);
    vi.stubEnv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json");
    vi.stubEnv("OTEL_SERVICE_NAME", "crews-under-test");
    const server = await startTestServer({ persist: false });
    let runId: string;
    try {
      runId = await runToEnd(server);
    } finally {
      // Closing flushes the exporter.
      await server.cleanup();
    }
    expect(receiver.requests.every((r) => r.path === "/v1/traces")).toBe(true);
    const spans = receiver.jsonSpans();
    expect(spans.length).toBeGreaterThan(0);
    for (const span of spans) {
      expect(attributesOf(span)["crewstream.run.id"]).toBe(runId);
      expect(span.resource["service.name"]).toBe("crews-under-test");
    }
    const run = spans.find((s) => s.name === "invoke_workflow duo")!;
    expect(run).toBeDefined();
    expect(run.parentSpanId ?? "").toBe("");
    expect(attributesOf(run)).toMatchObject({
      "gen_ai.operation.name": "invoke_workflow",
      "crewstream.crew": "duo",
      "crewstream.run.status": "completed",
    });
    const tasks = spans.filter((s) => s.name.startsWith("task "));
    expect(tasks.length).toBe(2);
    for (const task of tasks) {
      expect(task.parentSpanId).toBe(run.spanId);
      expect(task.traceId).toBe(run.traceId);
    }
    const calls = spans.filter((s) => s.name === "chat offline");
    expect(calls.length).toBeGreaterThanOrEqual(2);
    for (const call of calls) {
      expect(tasks.map((t) => t.spanId)).toContain(call.parentSpanId);
      const attributes = attributesOf(call);
      expect(attributes).toMatchObject({
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "offline",
        "gen_ai.request.model": "offline",
      });
      expect(attributes["gen_ai.usage.output_tokens"]).toBeGreaterThan(0);
      expect(attributes["gen_ai.response.finish_reasons"]).toEqual([expect.any(String)]);
      expect(BigInt(call.endTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(call.startTimeUnixNano));
    }
  });

  it("exports over OTLP/HTTP protobuf", async () => {
    receiver = await startOtlpReceiver();
    vi.stubEnv("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.url);
    vi.stubEnv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
    const server = await startTestServer({ persist: false });
    let runId: string;
    try {
      runId = await runToEnd(server);
    } finally {
      await server.cleanup();
    }
    expect(receiver.requests.length).toBeGreaterThan(0);
    const request = receiver.requests[0]!;
    expect(request.path).toBe("/v1/traces");
    expect(request.contentType).toBe("application/x-protobuf");
    // Protobuf keeps strings as raw bytes: span names and the run id are in the body.
    const body = Buffer.concat(receiver.requests.map((r) => r.body)).toString("latin1");
    expect(body).toContain("invoke_workflow duo");
    expect(body).toContain("chat offline");
    expect(body).toContain(runId);
  });
});

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createOpenAI } from "@ai-sdk/openai";
import { describe, expect, it } from "vitest";
import { writeSchemaCrew } from "../crew/test-support/schema-crew.js";
import { resolveModel } from "../llm/index.js";
import { reply, startFakeOpenAI } from "../testing/index.js";
import { promtoolCheck, startPrometheus } from "./test-support/prometheus-server.js";
import { startTestServer, type TestServer } from "./test-support/test-server.js";

async function finishedRun(server: TestServer, headers: Record<string, string> = {}, crew = "duo") {
  const started = await server.post("/api/runs", { crew, inputs: { topic: "salt" } }, headers);
  expect(started.status).toBe(202);
  const { runId: id } = (await started.json()) as { runId: string };
  await expect
    .poll(
      async () =>
        ((await (await server.api(`/api/runs/${id}`, { headers })).json()) as { status: string })
          .status,
      { timeout: 10_000 },
    )
    .toBe("completed");
  return id;
}

/** The value of one sample line of an exposition, e.g. `crewstream_runs_total{status="completed"}`. */
function sample(exposition: string, series: string): number | undefined {
  const line = exposition.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("GET /metrics", () => {
  it("needs the token, counts runs, events, model calls and tokens, and passes promtool", async () => {
    const server = await startTestServer({ token: "secret-token" });
    const auth = { authorization: "Bearer secret-token" };
    try {
      await finishedRun(server, auth);
      expect((await server.api("/metrics")).status).toBe(401);
      const response = await server.api("/metrics", { headers: auth });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
      const text = await response.text();
      expect(sample(text, 'crewstream_runs_total{status="completed"}')).toBe(1);
      expect(sample(text, "crewstream_runs_active")).toBe(0);
      expect(sample(text, "crewstream_runs_queued")).toBe(0);
      expect(sample(text, 'crewstream_run_duration_seconds_count{status="completed"}')).toBe(1);
      expect(sample(text, "crewstream_events_appended_total")).toBeGreaterThan(5);
      expect(sample(text, "crewstream_store_append_seconds_count")).toBeGreaterThan(0);
      expect(sample(text, "crewstream_subscribers")).toBe(0);
      expect(sample(text, "crewstream_slow_consumer_drops_total")).toBe(0);
      const offline = 'provider="offline",model="offline"';
      expect(sample(text, `crewstream_model_requests_total{${offline}}`)).toBeGreaterThanOrEqual(2);
      expect(
        sample(text, `crewstream_model_tokens_total{${offline},direction="output"}`),
      ).toBeGreaterThan(0);
      expect(sample(text, `crewstream_model_request_duration_seconds_count{${offline}}`)).toBe(
        sample(text, `crewstream_model_requests_total{${offline}}`),
      );
      // The offline model is free: its cost is a known 0, not unknown.
      expect(sample(text, `crewstream_model_cost_usd_total{${offline}}`)).toBe(0);
      expect(text).not.toContain("crewstream_model_requests_unpriced_total{");

      const check = promtoolCheck(text);
      expect(check.output).toBe("");
      expect(check.status).toBe(0);
    } finally {
      await server.cleanup();
    }
  });

  it("counts open streams and the cost of a priced model", async () => {
    const fake = await startFakeOpenAI({ defaultTokens: 20, tokenDelayMs: 20 });
    const openai = createOpenAI({ baseURL: fake.baseURL, apiKey: "sk-test" });
    const server = await startTestServer({ model: openai.chat("gpt-4o-mini"), persist: false });
    try {
      const runId = await finishedRun(server);
      // The run summary prices the same calls: more than 0 for a priced model with usage.
      const details = (await (await server.api(`/api/runs/${runId}`)).json()) as {
        summary: { cost: number | null; tasks: Array<{ cost: number | null }> };
      };
      expect(details.summary.cost).toBeGreaterThan(0);
      for (const task of details.summary.tasks) expect(task.cost).toBeGreaterThan(0);
      const text = await (await server.api("/metrics")).text();
      const labels = 'provider="openai",model="openai/gpt-4o-mini"';
      expect(sample(text, `crewstream_model_cost_usd_total{${labels}}`)).toBeCloseTo(
        details.summary.cost!,
        12,
      );
      expect(sample(text, `crewstream_model_requests_total{${labels}}`)).toBeGreaterThanOrEqual(2);
      expect(sample(text, `crewstream_model_cost_usd_total{${labels}}`)).toBeGreaterThan(0);
      expect(
        sample(text, `crewstream_model_tokens_total{${labels},direction="input"}`),
      ).toBeGreaterThan(0);

      const controller = new AbortController();
      const stream = await server.post("/api/crew/stream", { crew: "duo", inputs: { topic: "x" } });
      const events = await server.api(`/api/runs/${stream.headers.get("x-run-id")}/events`, {
        signal: controller.signal,
      });
      expect(events.status).toBe(200);
      const during = await (await server.api("/metrics")).text();
      expect(sample(during, "crewstream_subscribers")).toBe(2);
      controller.abort();
      await stream.body?.cancel();
    } finally {
      await server.cleanup();
      await fake.close();
    }
  });

  it("counts the warnings providers gave about model calls", async () => {
    const fake = await startFakeOpenAI();
    fake.script(() => reply.text('{"title": "Salt"}'));
    // A crew whose task asks for a schema this provider cannot enforce: each call warns.
    const crews = await mkdtemp(join(tmpdir(), "crewstream-metrics-crews-"));
    await writeSchemaCrew(join(crews, "titled"));
    const server = await startTestServer({
      model: resolveModel("compatible/fake-model", {
        env: { CREWSTREAM_BASE_URL: fake.baseURL },
      }),
      crewsDirs: [crews],
      persist: false,
    });
    try {
      await finishedRun(server, {}, "titled");
      const text = await (await server.api("/metrics")).text();
      const labels = 'provider="compatible",model="compatible/fake-model"';
      expect(sample(text, `crewstream_model_warnings_total{${labels}}`)).toBe(1);
      expect(sample(text, `crewstream_model_requests_total{${labels}}`)).toBe(1);
      expect(promtoolCheck(text).output).toBe("");
    } finally {
      await server.cleanup();
      await fake.close();
      await rm(crews, { recursive: true, force: true });
    }
  });

  it("is scraped by a real Prometheus server", async () => {
    const server = await startTestServer({ token: "scrape-token", persist: false });
    const prometheus = await startPrometheus(`127.0.0.1:${server.port}`, "scrape-token");
    try {
      await finishedRun(server, { authorization: "Bearer scrape-token" });
      await expect
        .poll(() => prometheus.query('crewstream_runs_total{status="completed"}'), {
          timeout: 30_000,
          interval: 500,
        })
        .toBe("1");
      expect(await prometheus.query('up{job="crewstream"}')).toBe("1");
    } finally {
      await prometheus.close();
      await server.cleanup();
    }
  });
});

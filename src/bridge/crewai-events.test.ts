/**
 * `python/crewstream_bridge.py` against the CrewAI stand-in (`python/standin/`, the event
 * classes and bus API the module uses), through the real bridge: the example's stand-in crew
 * emits on the stand-in bus what CrewAI emits, and these tests check the events users see.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseEvent } from "../events/index.js";
import type { CrewEvent, EventOf, Inputs } from "../events/index.js";
import type { InputRequest, RunOptions } from "../crew/index.js";
import { ProcessCrew } from "./process-crew.js";
import type { ProcessCrewOptions } from "./process-crew.js";

const crewDir = join(dirname(fileURLToPath(import.meta.url)), "../../examples/python-crew");
const agents = [
  { key: "researcher", role: "{topic} Senior Data Researcher\n" },
  { key: "analyst", role: "{topic} Trend Analyst\n" },
  { key: "reporting_analyst", role: "{topic} Reporting Analyst\n" },
];
const tasks = [
  {
    key: "research_task",
    description: "Conduct a thorough research about {topic}.",
    agent: "researcher",
  },
  { key: "analysis_task", description: "Rank the findings about {topic}.", agent: "analyst" },
  { key: "reporting_task", description: "Review the context you got.", agent: "reporting_analyst" },
];

function standInCrew(
  layout: "current" | "legacy" | "none",
  options: Partial<ProcessCrewOptions> = {},
) {
  const diagnostics: string[] = [];
  const crew = new ProcessCrew({
    name: "python-crew",
    command: ["python3", "crew/fake_run.py"],
    cwd: crewDir,
    env: { CREWSTREAM_FAKE_STEP_MS: "0", CREWAI_STANDIN_LAYOUT: layout },
    killGraceMs: 300,
    agents,
    tasks,
    onDiagnostic: (line) => diagnostics.push(line),
    ...options,
  });
  return { crew, diagnostics };
}

async function collect(
  crew: ProcessCrew,
  inputs: Inputs,
  options: RunOptions = {},
): Promise<CrewEvent[]> {
  const events: CrewEvent[] = [];
  for await (const event of crew.stream(inputs, options)) events.push(event);
  for (const event of events) expect(parseEvent(event).ok).toBe(true);
  expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
  expect(events.at(-1)?.type).toBe("run.end");
  return events;
}

const of = <T extends CrewEvent["type"]>(events: CrewEvent[], type: T): EventOf<T>[] =>
  events.filter((event): event is EventOf<T> => event.type === type);

/** What a user sees of a run, without ids, times and texts. */
const outline = (events: CrewEvent[]): string[] =>
  events.map((event) =>
    [
      event.type,
      event.task ?? "",
      event.agent ?? "",
      event.type === "agent.step" ? event.kind : "",
    ].join(" "),
  );

describe("crewstream_bridge.py with CrewAI's event bus (stand-in)", () => {
  it("streams tasks, steps, tool calls, text and tokens per task", async () => {
    const { crew, diagnostics } = standInCrew("current");
    const events = await collect(crew, { topic: "AI LLMs" });

    expect(of(events, "task.start").map((event) => [event.task, event.agent])).toEqual([
      ["research_task", "researcher"],
      ["analysis_task", "analyst"],
      ["reporting_task", "reporting_analyst"],
    ]);
    expect(of(events, "agent.step").map((event) => [event.task, event.step, event.kind])).toEqual([
      ["research_task", 1, "thought"],
      ["research_task", 2, "tool"],
      ["research_task", 3, "answer"],
      ["analysis_task", 1, "thought"],
      ["analysis_task", 2, "answer"],
      ["reporting_task", 1, "thought"],
      ["reporting_task", 2, "answer"],
    ]);

    const [call] = of(events, "tool.call");
    const [result] = of(events, "tool.result");
    expect(call).toMatchObject({
      task: "research_task",
      agent: "researcher",
      tool: "search",
      args: { query: "latest developments in AI LLMs" },
    });
    expect(result).toMatchObject({
      callId: call?.callId,
      tool: "search",
      result: "3 articles about AI LLMs",
    });
    expect(events.indexOf(result!)).toBeGreaterThan(events.indexOf(call!));

    // Two LLM calls of 150 + 30 tokens each, the streamed answer 150 + 60.
    expect(of(events, "task.end").map((event) => [event.task, event.usage])).toEqual([
      ["research_task", { inputTokens: 300, outputTokens: 60 }],
      ["analysis_task", { inputTokens: 300, outputTokens: 60 }],
      ["reporting_task", { inputTokens: 300, outputTokens: 90 }],
    ]);
    const end = of(events, "run.end")[0]!;
    expect(end).toMatchObject({
      status: "completed",
      usage: { inputTokens: 900, outputTokens: 210 },
    });

    const deltas = of(events, "text.delta");
    expect(deltas.length).toBe(3);
    expect(
      deltas.every(
        (event) => event.task === "reporting_task" && event.agent === "reporting_analyst",
      ),
    ).toBe(true);
    expect(deltas.map((event) => event.delta).join("")).toBe(end.result);
    expect(of(events, "task.end")[0]?.output).toBe("Ten findings about AI LLMs, with sources.");
    // Every line the module wrote became an event.
    expect(diagnostics.some((line) => line.includes('"type"'))).toBe(false);
  });

  it("gives the same events with CrewAI's previous import path (crewai.utilities.events)", async () => {
    const current = await collect(standInCrew("current").crew, { topic: "Go" });
    const legacy = await collect(standInCrew("legacy").crew, { topic: "Go" });
    expect(outline(legacy)).toEqual(outline(current));
    expect(of(legacy, "run.end")[0]?.usage).toEqual({ inputTokens: 900, outputTokens: 210 });
  });

  it("falls back to step-callback progress lines when CrewAI has no event bus", async () => {
    const events = await collect(standInCrew("none").crew, { topic: "Go" });
    expect(of(events, "task.start").map((event) => event.task)).toEqual([
      "research_task",
      "analysis_task",
      "reporting_task",
    ]);
    expect(of(events, "agent.step").map((event) => event.kind)).toEqual([
      "thought",
      "tool",
      "answer",
      "thought",
      "answer",
      "thought",
      "answer",
    ]);
    expect(of(events, "tool.call")).toEqual([]);
    // No usage is reported without the bus: the streamed text counts as an estimate.
    expect(of(events, "run.end")[0]).toMatchObject({
      status: "completed",
      usage: { inputTokens: 0, outputTokens: of(events, "text.delta").length },
      estimated: true,
    });
  });

  it("reports a failing tool as a tool.result with an error, and the retry as a new call", async () => {
    const events = await collect(standInCrew("current").crew, { topic: "Go", mode: "tool_error" });
    const calls = of(events, "tool.call");
    const results = of(events, "tool.result");
    expect(calls).toHaveLength(2);
    expect(new Set(calls.map((call) => call.callId)).size).toBe(2);
    expect(results.map((result) => [result.callId, result.error?.code, result.result])).toEqual([
      [calls[0]?.callId, "tool_failed", undefined],
      [calls[1]?.callId, undefined, "3 articles about Go"],
    ]);
    expect(results[0]?.error?.message).toBe("search service unavailable");
    expect(of(events, "run.end")[0]?.status).toBe("completed");
  });
});

describe("human input of a process crew", () => {
  it("streams the program's input.request and writes the answer to its stdin", async () => {
    const asked: InputRequest[] = [];
    const events = await collect(
      standInCrew("current").crew,
      { topic: "Go", review: true },
      {
        onInputRequest: async (request) => {
          asked.push(request);
          return "Add a section on costs.";
        },
      },
    );
    const [request] = of(events, "input.request");
    expect(request).toMatchObject({ task: "reporting_task", agent: "reporting_analyst" });
    expect(request?.prompt).toContain("# Go report");
    expect(asked).toEqual([
      {
        requestId: request?.requestId,
        prompt: request?.prompt,
        task: "reporting_task",
        agent: "reporting_analyst",
      },
    ]);
    expect(of(events, "input.response")).toMatchObject([
      { requestId: request?.requestId, text: "Add a section on costs.", task: "reporting_task" },
    ]);
    const end = of(events, "run.end")[0];
    expect(end?.status).toBe("completed");
    expect(end?.result).toMatch(/Reviewer's note: Add a section on costs\.$/);
    const types = events.map((event) => event.type);
    expect(types.indexOf("input.response")).toBeLessThan(types.lastIndexOf("task.end"));
  });

  it("fails with bad_request when the run has no way to ask, and stops the program", async () => {
    const events = await collect(standInCrew("current").crew, { topic: "Go", review: true });
    expect(of(events, "input.request")).toHaveLength(1);
    expect(of(events, "run.end")[0]).toMatchObject({
      status: "failed",
      error: { code: "bad_request" },
    });
  });

  it("is cancelled while it waits for an answer", async () => {
    const abort = new AbortController();
    const events = await collect(
      standInCrew("current").crew,
      { topic: "Go", review: true },
      {
        signal: abort.signal,
        onInputRequest: (_request, signal) =>
          new Promise((_resolve, reject) => {
            signal.addEventListener("abort", () => reject(new Error("stopped")));
            setTimeout(() => abort.abort(), 50);
          }),
      },
    );
    expect(of(events, "run.end")[0]?.status).toBe("cancelled");
    expect(of(events, "input.response")).toEqual([]);
  });
});

describe("the program's environment", () => {
  it("gets the allowlist, model keys and the crew's env, never the server's token or other secrets", async () => {
    const saved = { ...process.env };
    process.env.CREWSTREAM_TOKEN = "server-secret";
    process.env.AWS_SECRET_ACCESS_KEY = "cloud-secret";
    process.env.OPENAI_API_KEY = "sk-test";
    process.env.LC_ALL = "C.UTF-8";
    try {
      const crew = new ProcessCrew({
        name: "env",
        command: ["python3", "-c", "import os, json, sys; print(json.dumps(dict(os.environ)))"],
        cwd: crewDir,
        env: { CREW_SETTING: "from crew.yaml", CREWSTREAM_TOKEN: "still not" },
      });
      const end = of(await collect(crew, {}, { model: "openai/gpt-4o-mini" }), "run.end")[0];
      const env = JSON.parse(end?.result ?? "{}") as Record<string, string>;
      // pyenv's shim may put its own folders first.
      expect(env.PATH?.endsWith(saved.PATH ?? "")).toBe(true);
      expect(env).toMatchObject({
        OPENAI_API_KEY: "sk-test",
        LC_ALL: "C.UTF-8",
        CREW_SETTING: "from crew.yaml",
        CREWSTREAM_MODEL: "openai/gpt-4o-mini",
        PYTHONUNBUFFERED: "1",
      });
      expect(env.CREWSTREAM_RUN_ID).toMatch(/^[0-9a-f-]{36}$/);
      expect(env).not.toHaveProperty("CREWSTREAM_TOKEN");
      expect(env).not.toHaveProperty("AWS_SECRET_ACCESS_KEY");
      expect(env.PYTHONPATH?.split(":").at(-1)).toMatch(/\/python$/);
    } finally {
      process.env = saved;
    }
  });
});

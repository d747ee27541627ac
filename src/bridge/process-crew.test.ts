import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseEvent } from "../events/index.js";
import type { CrewEvent, EventOf, Inputs } from "../events/index.js";
import { TRUNCATION_MARKER } from "./line-splitter.js";
import { ProcessCrew } from "./process-crew.js";
import type { ProcessCrewOptions } from "./process-crew.js";

const crewDir = join(dirname(fileURLToPath(import.meta.url)), "../../examples/python-crew");
const agentsYaml = parse(readFileSync(join(crewDir, "config/agents.yaml"), "utf8")) as Record<
  string,
  { role: string }
>;
const tasksYaml = parse(readFileSync(join(crewDir, "config/tasks.yaml"), "utf8")) as Record<
  string,
  { description: string; agent: string }
>;
const agents = Object.entries(agentsYaml).map(([key, agent]) => ({ key, role: agent.role }));
const tasks = Object.entries(tasksYaml).map(([key, task]) => ({
  key,
  description: task.description,
  agent: task.agent,
}));

interface ExitInfo {
  pid: number | undefined;
  code: number | null;
  signal: NodeJS.Signals | null;
}

function fakeCrew(options: Partial<ProcessCrewOptions> = {}) {
  const diagnostics: string[] = [];
  let exited: (exit: ExitInfo) => void = () => undefined;
  const exit = new Promise<ExitInfo>((resolve) => (exited = resolve));
  const crew = new ProcessCrew({
    name: "python-crew",
    command: ["python3", "crew/fake_run.py"],
    cwd: crewDir,
    env: { CREWSTREAM_FAKE_STEP_MS: "0" },
    killGraceMs: 300,
    agents,
    tasks,
    onDiagnostic: (line) => diagnostics.push(line),
    onProcessExit: (info) => exited(info),
    ...options,
  });
  return { crew, diagnostics, exit };
}

async function collect(
  crew: ProcessCrew,
  inputs: Inputs,
  signal?: AbortSignal,
): Promise<CrewEvent[]> {
  const events: CrewEvent[] = [];
  for await (const event of crew.stream(inputs, signal === undefined ? {} : { signal }))
    events.push(event);
  return events;
}

function runEnd(events: CrewEvent[]): EventOf<"run.end"> {
  const last = events.at(-1);
  if (last?.type !== "run.end") throw new Error(`last event is ${last?.type}, not run.end`);
  return last;
}

/** Every run: valid events, gapless seq from 1, run.start first, exactly one run.end last. */
function expectWellFormed(events: CrewEvent[]): void {
  for (const event of events)
    expect(parseEvent(event)).toMatchObject({ ok: true, event: { type: event.type } });
  expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
  expect(new Set(events.map((event) => event.runId)).size).toBe(1);
  expect(events[0]?.type).toBe("run.start");
  expect(events.filter((event) => event.type === "run.end")).toHaveLength(1);
  expect(events.at(-1)?.type).toBe("run.end");
}

function isGone(pid: number | undefined): boolean {
  if (pid === undefined) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

describe("ProcessCrew", () => {
  it("streams a successful run: tasks and agents matched to the crew's YAML, deltas passed through, stdout as result", async () => {
    const { crew, diagnostics } = fakeCrew();
    const events = await collect(crew, { topic: "AI LLMs" });
    expectWellFormed(events);

    const starts = events.filter((event) => event.type === "task.start");
    expect(starts.map((event) => [event.task, event.agent, event.index, event.total])).toEqual([
      ["research_task", "researcher", 0, 3],
      ["analysis_task", "analyst", 1, 3],
      ["reporting_task", "reporting_analyst", 2, 3],
    ]);
    // Folded YAML (`>`) joins the lines: the description is the whole paragraph, filled in.
    expect(starts[0]?.description).toBe(
      "Conduct a thorough research about AI LLMs. Make sure you find any interesting and relevant information about it.",
    );
    expect(events.filter((event) => event.type === "task.end").map((event) => event.task)).toEqual([
      "research_task",
      "analysis_task",
      "reporting_task",
    ]);
    const steps = events.filter((event) => event.type === "agent.step");
    expect(steps.map((event) => [event.task, event.step, event.kind])).toEqual([
      ["research_task", 1, "thought"],
      ["research_task", 2, "tool"],
      ["research_task", 3, "answer"],
      ["analysis_task", 1, "thought"],
      ["analysis_task", 2, "answer"],
      ["reporting_task", 1, "thought"],
      ["reporting_task", 2, "answer"],
    ]);

    const inside = events.filter((event) => !["run.start", "run.end"].includes(event.type));
    for (const event of inside) expect([event.agent, event.task]).not.toContain(undefined);
    const deltas = events.filter((event) => event.type === "text.delta");
    expect(deltas.length).toBeGreaterThanOrEqual(2);
    expect(
      deltas.every(
        (event) => event.task === "reporting_task" && event.agent === "reporting_analyst",
      ),
    ).toBe(true);

    const end = runEnd(events);
    expect(end.status).toBe("completed");
    expect(end.result).toMatch(/^# AI LLMs report/);
    expect(deltas.map((event) => event.delta).join("")).toBe(end.result);
    const lastTaskEnd = events.filter((event) => event.type === "task.end").at(-1);
    expect(lastTaskEnd?.output).toBe(end.result);
    expect(events.filter((event) => event.type === "task.end")[0]?.output).toBe(
      "Ten findings about AI LLMs, with sources.",
    );

    expect(diagnostics).toContain(
      "WARNING: this is crewstream's stand-in crew; no model is called",
    );
    expect(diagnostics.some((line) => line.includes('"topic": "AI LLMs"'))).toBe(true);
    expect(diagnostics.some((line) => line.includes('"type"'))).toBe(false);
  });

  it("discovers agents and tasks from crewstream_bridge's task lines when the crew declares none", async () => {
    const { crew } = fakeCrew({ agents: [], tasks: [] });
    const events = await collect(crew, { topic: "Rust" });
    expectWellFormed(events);
    const start = events[0] as EventOf<"run.start">;
    expect(start.tasks).toEqual([]);
    const starts = events.filter((event) => event.type === "task.start");
    expect(starts.map((event) => [event.task, event.agent, event.index, event.total])).toEqual([
      ["research_task", "rust_senior_data_researcher", 0, 1],
      ["analysis_task", "rust_trend_analyst", 1, 2],
      ["reporting_task", "rust_reporting_analyst", 2, 3],
    ]);
    expect(runEnd(events).status).toBe("completed");
  });

  it("discovers agents and tasks from progress lines (CrewAI without an event bus)", async () => {
    const { crew } = fakeCrew({
      agents: [],
      tasks: [],
      env: { CREWSTREAM_FAKE_STEP_MS: "0", CREWAI_STANDIN_LAYOUT: "none" },
    });
    const events = await collect(crew, { topic: "Rust" });
    expectWellFormed(events);
    const starts = events.filter((event) => event.type === "task.start");
    expect(starts.map((event) => [event.agent, event.index, event.total])).toEqual([
      ["rust_senior_data_researcher", 0, 1],
      ["rust_trend_analyst", 1, 2],
      ["rust_reporting_analyst", 2, 3],
    ]);
    expect(starts[0]?.task).toBe("conduct_a_thorough_research_about_rust_make_sure");
    expect(events.some((event) => event.type === "tool.call")).toBe(false);
    expect(runEnd(events).status).toBe("completed");
  });

  it("names the run's thread in run.start", async () => {
    const { crew } = fakeCrew();
    const events: CrewEvent[] = [];
    for await (const event of crew.stream({ topic: "Go" }, { threadId: "chat-7" }))
      events.push(event);
    expectWellFormed(events);
    expect(events[0]).toMatchObject({ type: "run.start", threadId: "chat-7" });
  });

  it("takes the result from a JSON stdout's raw field, with the crew's default inputs under the given ones", async () => {
    const { crew } = fakeCrew({ defaultInputs: { topic: "Go", format: "text" } });
    const events = await collect(crew, { format: "json" });
    const start = events[0] as EventOf<"run.start">;
    expect(start.inputs).toEqual({ topic: "Go", format: "json" });
    expect(start.agents[0]).toEqual({ key: "researcher", role: "Go Senior Data Researcher" });
    expect(runEnd(events).result).toMatch(/^# Go report/);
  });

  it("fails with process_failed, the exit code and the traceback when the program exits non-zero", async () => {
    const { crew, diagnostics } = fakeCrew();
    const events = await collect(crew, { topic: "AI LLMs", mode: "fail" });
    expectWellFormed(events);
    const end = runEnd(events);
    expect(end.status).toBe("failed");
    expect(end.error?.code).toBe("process_failed");
    expect(end.error?.message).toContain("exited with code 3");
    expect(end.error?.message).toContain("Traceback (most recent call last):");
    expect(end.error?.message).toContain("RuntimeError: the model returned an empty answer");
    expect(diagnostics.some((line) => line.startsWith("RuntimeError:"))).toBe(true);
    expect(
      events.some((event) => event.type === "task.end" && event.task === "analysis_task"),
    ).toBe(false);
  });

  it("kills a program that runs past its time limit and fails with timeout", async () => {
    const { crew, exit } = fakeCrew({ timeoutMs: 4000 });
    const events = await collect(crew, { topic: "AI LLMs", mode: "hang" });
    expectWellFormed(events);
    const end = runEnd(events);
    expect(end.status).toBe("failed");
    expect(end.error?.code).toBe("timeout");
    expect(end.error?.message).toContain("4000 ms");
    const info = await exit;
    expect(info.signal).toBe("SIGTERM");
    expect(isGone(info.pid)).toBe(true);
  });

  it("stops a program at the run's own time limit when it is the tighter one", async () => {
    const { crew, exit } = fakeCrew({ timeoutMs: 60_000 });
    const events: CrewEvent[] = [];
    for await (const event of crew.stream({ topic: "AI LLMs", mode: "hang" }, { timeoutMs: 1500 }))
      events.push(event);
    expectWellFormed(events);
    const end = runEnd(events);
    expect(end).toMatchObject({ status: "failed", error: { code: "timeout" } });
    expect(end.error?.message).toContain("time limit of 1500 ms (run timeout)");
    expect(isGone((await exit).pid)).toBe(true);
  });

  it("cancels: SIGTERM, then SIGKILL for a program that ignores SIGTERM", async () => {
    const { crew, exit } = fakeCrew();
    const controller = new AbortController();
    const events: CrewEvent[] = [];
    for await (const event of crew.stream(
      { topic: "AI LLMs", mode: "stubborn" },
      { signal: controller.signal },
    )) {
      events.push(event);
      if (event.type === "agent.step") controller.abort();
    }
    expectWellFormed(events);
    const end = runEnd(events);
    expect(end.status).toBe("cancelled");
    expect(end.error?.code).toBe("cancelled");
    const info = await exit;
    expect(info.signal).toBe("SIGKILL");
    expect(isGone(info.pid)).toBe(true);
  });

  it("does not start the program when the signal is already aborted", async () => {
    const { crew } = fakeCrew();
    const events = await collect(crew, { topic: "AI LLMs" }, AbortSignal.abort());
    expect(events.map((event) => event.type)).toEqual(["run.start", "run.end"]);
    expect(runEnd(events).status).toBe("cancelled");
  });

  it("stops the program when the consumer stops reading", async () => {
    const { crew, exit } = fakeCrew();
    let steps = 0;
    for await (const event of crew.stream({ topic: "AI LLMs", mode: "hang" })) {
      if (event.type === "agent.step") steps += 1;
      if (steps === 1) break;
    }
    const info = await exit;
    expect(info.signal).toBe("SIGTERM");
    expect(isGone(info.pid)).toBe(true);
  });

  it("survives garbage on stderr: invalid UTF-8 replaced, long lines cut, CRLF and a last line without newline", async () => {
    const { crew, diagnostics } = fakeCrew({ maxLineLength: 64 * 1024 });
    const events = await collect(crew, { topic: "AI LLMs", mode: "garbage" });
    expectWellFormed(events);
    expect(runEnd(events).status).toBe("completed");
    expect(diagnostics).toContain("invalid utf-8: \uFFFD\uFFFD and \uFFFD( here");
    const long = diagnostics.find((line) => line.startsWith("yyyy"));
    expect(long).toBe(
      `${"y".repeat(64 * 1024)}${TRUNCATION_MARKER}${200 * 1024 - 64 * 1024} chars]`,
    );
    expect(diagnostics).toContain("a windows line");
    expect(diagnostics.at(-1)).toBe("a last line without newline");
  });

  it("fails with process_failed when the program is killed by a signal", async () => {
    const { crew } = fakeCrew();
    const events = await collect(crew, { topic: "AI LLMs", mode: "crash" });
    expectWellFormed(events);
    const end = runEnd(events);
    expect(end.status).toBe("failed");
    expect(end.error?.code).toBe("process_failed");
    expect(end.error?.message).toContain("was killed by signal SIGKILL");
  });

  it("fails with a clear message when the command does not exist", async () => {
    const { crew } = fakeCrew({ command: ["crewstream-no-such-program", "run.py"] });
    const events = await collect(crew, { topic: "AI LLMs" });
    expectWellFormed(events);
    const end = runEnd(events);
    expect(end.status).toBe("failed");
    expect(end.error?.code).toBe("process_failed");
    expect(end.error?.message).toContain('command not found: "crewstream-no-such-program"');
  });

  it("refuses an empty command", () => {
    expect(() => fakeCrew({ command: [] })).toThrow(
      expect.objectContaining({ code: "invalid_crew" }),
    );
  });
});

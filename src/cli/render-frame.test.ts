import pc from "picocolors";
import { describe, expect, it } from "vitest";
import { EventStamper } from "../events/index.js";
import { renderFrame } from "./render-frame.js";
import { applyEvent, createRunViewState } from "./run-view-state.js";
import { sampleRun, sampleRunEnd } from "./test-support/sample-run.js";

const plain = pc.createColors(false);

function frameAfter(events: ReturnType<typeof sampleRun>): string {
  const state = createRunViewState();
  for (const event of events) applyEvent(state, event);
  return renderFrame(state, { now: state.lastEventAt ?? 0, width: 100, colors: plain });
}

describe("renderFrame", () => {
  it("shows a waiting line before run.start", () => {
    expect(renderFrame(createRunViewState(), { now: 0, width: 80, colors: plain })).toContain(
      "starting",
    );
  });

  it("shows every agent and task with status, time, tokens and the running task's details", () => {
    const frame = frameAfter(sampleRun());
    const lines = frame.split("\n");
    expect(lines[0]).toContain("◆ research-crew");
    expect(lines[0]).toContain("sequential");

    const researcher = lines.find((line) => line.includes("researcher  Senior Research Analyst"));
    expect(researcher).toMatch(/✔/);
    // The agent's tokens are its task's, input and output, as on the task's row.
    expect(researcher).toMatch(/ 140 tok$/);
    const writer = lines.find((line) => line.includes("writer      Report Writer"));
    expect(writer).toContain("report_task");
    expect(writer).toMatch(/ ~2 tok$/);

    const done = lines.find((line) => line.includes("1/2") && line.includes("research_task"));
    expect(done).toMatch(/^ {2}✔ 1\/2 {2}research_task/);
    expect(done).toContain("3.5s");
    expect(done).toMatch(/ 140 tok$/);

    const running = lines.find((line) => line.includes("2/2") && line.includes("report_task"));
    expect(running).toMatch(/^ {2}⠋ 2\/2/);
    expect(running).toContain("1.0s");
    expect(running).toMatch(/ ~2 tok$/);
    // The streaming tail of the running task, without blank lines.
    expect(frame).toContain("│ # Solar batteries");
    expect(frame).toContain("│ The market is growing fast.");
    expect(frame).toContain("│ Write a report on solar batteries.");
    // Finished tasks' details are folded away.
    expect(frame).not.toContain("read_file");
  });

  it("shows tool calls, the current step and retries of a running task", () => {
    const events = sampleRun().slice(0, 7);
    const frame = frameAfter(events);
    expect(frame).toContain('⚙ read_file {"path":"notes.md"} …');
    expect(frame).toContain("researcher · step 1 thought: I should read the notes first.");
  });

  it("shows the reasoning the model is streaming, dimmed, until its step ends", () => {
    const events = sampleRun();
    const last = events.at(-1);
    if (last === undefined) throw new Error("empty sample run");
    const stamper = new EventStamper(last.runId, last.seq);
    const thinking = stamper.stamp({
      type: "reasoning.delta",
      task: "report_task",
      agent: "writer",
      delta: "Lead with the market size.",
    });
    const frame = frameAfter([...events, thinking]);
    expect(frame).toContain("│ thinking: Lead with the market size.");
    const colored = renderFrame(
      (() => {
        const state = createRunViewState();
        for (const event of [...events, thinking]) applyEvent(state, event);
        return state;
      })(),
      { now: Date.parse(thinking.ts), width: 100, colors: pc.createColors(true) },
    );
    expect(colored).toContain(pc.createColors(true).dim("thinking: Lead with the market size."));
    const step = stamper.stamp({
      type: "agent.step",
      task: "report_task",
      agent: "writer",
      step: 2,
      kind: "answer",
      text: "Wrote it.",
    });
    expect(frameAfter([...events, thinking, step])).not.toContain("thinking:");
  });

  it("shows what the provider said it ignored in the task's calls, each once", () => {
    const events = sampleRun();
    const last = events.at(-1);
    if (last === undefined) throw new Error("empty sample run");
    const stamper = new EventStamper(last.runId, last.seq);
    const warning = 'The feature "responseFormat" is not supported. It needs structuredOutputs';
    const steps = [2, 3].map((step) =>
      stamper.stamp({
        type: "agent.step",
        task: "report_task",
        agent: "writer",
        step,
        kind: "answer",
        text: "Wrote it.",
        warnings: [warning],
      }),
    );
    const lines = frameAfter([...events, ...steps]).split("\n");
    expect(lines.filter((line) => line.includes(`│ ⚠ ${warning}`))).toHaveLength(1);
    expect(frameAfter(events)).not.toContain("⚠");
    // Still shown under the task's row once it (and the run) ended.
    const ended = frameAfter([...events, ...steps, ...sampleRunEnd([...events, ...steps])]);
    const rows = ended.split("\n");
    const row = rows.findIndex((line) => line.includes("2/2") && line.includes("report_task"));
    expect(rows[row]).toMatch(/✔/);
    expect(rows[row + 1]).toContain(`│ ⚠ ${warning}`);
  });

  it("shows a retry until the model answers again", () => {
    const events = sampleRun();
    expect(frameAfter(events.slice(0, 3))).toContain("↻ retry 1 in 2.0s: rate limited (429)");
    expect(frameAfter(events.slice(0, 4))).not.toContain("retry");
  });

  it("marks the run completed with exact totals at run.end", () => {
    const events = sampleRun();
    const frame = frameAfter([...events, ...sampleRunEnd(events)]);
    const [header] = frame.split("\n");
    expect(header).toContain("completed");
    expect(header).toContain("7.0s · unknown · 400 tok");
    expect(frame).not.toContain("~");
    expect(frame).not.toContain("│");
    const writer = frame.split("\n").find((line) => line.includes("Report Writer"));
    expect(writer).toMatch(/ 260 tok$/);
  });

  it("cuts long lines to the terminal width", () => {
    const events = sampleRun();
    const last = events.at(-1);
    if (last === undefined) throw new Error("sample run is empty");
    const state = createRunViewState();
    for (const event of events) applyEvent(state, event);
    applyEvent(
      state,
      new EventStamper(last.runId, last.seq).stamp({
        type: "text.delta",
        agent: "writer",
        task: "report_task",
        delta: " word".repeat(100),
      }),
    );
    const frame = renderFrame(state, { now: 0, width: 40, colors: plain, tailLines: 2 });
    const tail = frame.split("\n").filter((line) => line.includes("word"));
    expect(tail).toHaveLength(2);
    for (const line of frame.split("\n").filter((l) => l.includes("│"))) {
      expect(Array.from(line).length).toBeLessThanOrEqual(40);
    }
  });
});

describe("renderFrame with parallel tasks", () => {
  it("shows every task at work with its own streaming text", () => {
    const s = new EventStamper("parallel-run");
    const events = [
      s.stamp({
        type: "run.start",
        crew: "lanes",
        process: "sequential",
        inputs: {},
        agents: [{ key: "analyst", role: "Analyst" }],
        tasks: [
          { key: "north", agent: "analyst" },
          { key: "south", agent: "analyst" },
          { key: "merge", agent: "analyst" },
        ],
      }),
      s.stamp({
        type: "task.start",
        agent: "analyst",
        task: "north",
        index: 0,
        total: 3,
        description: "North side.",
      }),
      s.stamp({
        type: "task.start",
        agent: "analyst",
        task: "south",
        index: 1,
        total: 3,
        description: "South side.",
      }),
      s.stamp({
        type: "text.delta",
        agent: "analyst",
        task: "north",
        delta: "Northern rivers run cold.",
      }),
      s.stamp({
        type: "text.delta",
        agent: "analyst",
        task: "south",
        delta: "Southern rivers run warm.",
      }),
    ];
    const state = createRunViewState();
    for (const event of events) applyEvent(state, event);
    const frame = renderFrame(state, { now: state.lastEventAt ?? 0, width: 100, colors: plain });
    const lines = frame.split("\n");
    expect(lines.find((l) => l.includes("1/3") && l.includes("north"))).toMatch(/^ {2}⠋/);
    expect(lines.find((l) => l.includes("2/3") && l.includes("south"))).toMatch(/^ {2}⠋/);
    expect(frame).toContain("│ Northern rivers run cold.");
    expect(frame).toContain("│ Southern rivers run warm.");
    // Each text sits under its own task.
    const north = lines.findIndex((l) => l.includes("1/3"));
    const south = lines.findIndex((l) => l.includes("2/3"));
    const northText = lines.findIndex((l) => l.includes("Northern rivers"));
    const southText = lines.findIndex((l) => l.includes("Southern rivers"));
    expect(north).toBeLessThan(northText);
    expect(northText).toBeLessThan(south);
    expect(south).toBeLessThan(southText);
  });
});

import { describe, expect, it } from "vitest";
import { EventStamper } from "../events/index.js";
import { plainLine } from "./plain-lines.js";
import { applyEvent, createRunViewState } from "./run-view-state.js";
import { sampleRun, sampleRunEnd } from "./test-support/sample-run.js";

describe("plainLine", () => {
  it("prints one line per notable event and none for streamed text", () => {
    const events = sampleRun();
    const state = createRunViewState();
    const lines: string[] = [];
    for (const event of [...events, ...sampleRunEnd(events)]) {
      applyEvent(state, event);
      const line = plainLine(event, state);
      if (line !== undefined) lines.push(line);
    }
    expect(lines).toEqual([
      "run run_0123456789 started: research-crew (sequential, 2 tasks)",
      "[1/2] research_task started by Senior Research Analyst: Research solar batteries thoroughly. List the ten most relevant findings.",
      "  retry 1 in 2.0s: rate limited (429)",
      "  Senior Research Analyst step 1 (thought): I should read the notes first.",
      '  Senior Research Analyst calls read_file {"path":"notes.md"}',
      "  Senior Research Analyst step 2 (answer): 1. Prices fell.",
      "[1/2] research_task done in 3.5s (140 tokens) cost unknown",
      "[2/2] report_task started by Report Writer: Write a report on solar batteries.",
      "  Report Writer step 1 (answer): # Solar batteries The market is growing fast.",
      "[2/2] report_task done in 1.5s (260 tokens) cost unknown",
      "run completed in 7.0s (400 tokens) cost unknown",
    ]);
  });

  it("prints the provider's warnings about a step's call under its line", () => {
    const events = sampleRun();
    const state = createRunViewState();
    for (const event of events) applyEvent(state, event);
    const last = events.at(-1)!;
    const step = new EventStamper(last.runId, last.seq).stamp({
      type: "agent.step",
      task: "report_task",
      agent: "writer",
      step: 2,
      kind: "answer",
      text: "Done.",
      warnings: ['The feature "topK" is not supported.'],
    });
    applyEvent(state, step);
    expect(plainLine(step, state)).toBe(
      '  Report Writer step 2 (answer): Done.\n    ⚠ The feature "topK" is not supported.',
    );
  });
});

/**
 * A small recorded run, built with the protocol's own stamper, for the terminal output tests.
 */
import { EventStamper, type CrewEvent, type EventDraft } from "../../events/index.js";

/** Events of a two-task sequential run that streams, calls a tool, retries and completes. */
export function sampleRun(runId = "run_0123456789"): CrewEvent[] {
  let clock = Date.parse("2026-01-01T10:00:00.000Z");
  const stamper = new EventStamper(runId, 0, () => new Date((clock += 500)));
  const drafts: EventDraft[] = [
    {
      type: "run.start",
      crew: "research-crew",
      process: "sequential",
      inputs: { topic: "solar batteries" },
      agents: [
        { key: "researcher", role: "Senior Research Analyst" },
        { key: "writer", role: "Report Writer" },
      ],
      tasks: [
        { key: "research_task", agent: "researcher" },
        { key: "report_task", agent: "writer" },
      ],
    },
    {
      type: "task.start",
      agent: "researcher",
      task: "research_task",
      index: 0,
      total: 2,
      description: "Research solar batteries thoroughly.\nList the ten most relevant findings.",
    },
    {
      type: "llm.retry",
      agent: "researcher",
      task: "research_task",
      attempt: 1,
      delayMs: 2000,
      reason: "rate limited (429)",
    },
    { type: "text.delta", agent: "researcher", task: "research_task", delta: "Looking at " },
    { type: "text.delta", agent: "researcher", task: "research_task", delta: "recent sources." },
    {
      type: "agent.step",
      agent: "researcher",
      task: "research_task",
      step: 1,
      kind: "thought",
      text: "I should read the notes first.",
    },
    {
      type: "tool.call",
      agent: "researcher",
      task: "research_task",
      callId: "c1",
      tool: "read_file",
      args: { path: "notes.md" },
    },
    {
      type: "tool.result",
      agent: "researcher",
      task: "research_task",
      callId: "c1",
      tool: "read_file",
      result: "notes",
    },
    {
      type: "agent.step",
      agent: "researcher",
      task: "research_task",
      step: 2,
      kind: "answer",
      text: "1. Prices fell.",
    },
    {
      type: "task.end",
      agent: "researcher",
      task: "research_task",
      output: "1. Prices fell.",
      usage: { inputTokens: 100, outputTokens: 40 },
      durationMs: 3500,
    },
    {
      type: "task.start",
      agent: "writer",
      task: "report_task",
      index: 1,
      total: 2,
      description: "Write a report on solar batteries.",
    },
    {
      type: "text.delta",
      agent: "writer",
      task: "report_task",
      delta: "# Solar batteries\n\nThe market ",
    },
    { type: "text.delta", agent: "writer", task: "report_task", delta: "is growing fast." },
  ];
  const events: CrewEvent[] = drafts.map((draft) => stamper.stamp(draft));
  return events;
}

/** The ending of {@link sampleRun}: the report task ends and the run completes. */
export function sampleRunEnd(events: readonly CrewEvent[]): CrewEvent[] {
  const last = events.at(-1);
  if (last === undefined) throw new Error("sampleRunEnd needs the run's events");
  let clock = Date.parse(last.ts);
  const stamper = new EventStamper(last.runId, last.seq, () => new Date((clock += 500)));
  return [
    stamper.stamp({
      type: "agent.step",
      agent: "writer",
      task: "report_task",
      step: 1,
      kind: "answer",
      text: "# Solar batteries\n\nThe market is growing fast.",
    }),
    stamper.stamp({
      type: "task.end",
      agent: "writer",
      task: "report_task",
      output: "# Solar batteries\n\nThe market is growing fast.",
      usage: { inputTokens: 200, outputTokens: 60 },
      durationMs: 1500,
    }),
    stamper.stamp({
      type: "run.end",
      status: "completed",
      result: "# Solar batteries\n\nThe market is growing fast.",
      usage: { inputTokens: 300, outputTokens: 100 },
      durationMs: 7000,
    }),
  ];
}

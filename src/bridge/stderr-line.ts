/**
 * Classifies one stderr line of a crew process: the seed's progress JSON, a crewstream
 * protocol event the process wrote itself, or anything else (a diagnostic: logs, warnings,
 * tracebacks).
 */
import { EVENT_TYPES, stepKindSchema } from "../events/index.js";
import type { StepKind } from "../events/index.js";

/** The seed's progress line: `{"type":"progress","agent":"<role>","task":"<first line>","timestamp":"..."}`. */
export interface ProgressLine {
  kind: "progress";
  /** The agent's role as CrewAI printed it. */
  agent: string;
  /** The first line of the task's description. */
  task: string;
  /** The step's kind when the line names one (`kind` or `step_kind`), else `thought`. */
  stepKind: StepKind;
  /** The step's own text when the line carries one (`text`), else undefined. */
  text?: string;
}

/** A protocol event written by the process, without the envelope the bridge assigns. */
interface EventLine {
  kind: "event";
  /** The event's fields as written; `v`, `runId`, `seq` and `ts` are removed. */
  fields: Record<string, unknown> & { type: string };
}

/** A line that is neither: kept as a diagnostic. */
interface DiagnosticLine {
  kind: "diagnostic";
  text: string;
}

/** What one stderr line is. */
export type StderrLine = ProgressLine | EventLine | DiagnosticLine;

/**
 * Event types a process may write itself: what happens inside a task, the tasks' own start
 * and end (`crewstream_bridge` announces them), and `input.request` (the answer is written to
 * the program's stdin). The run's lifecycle (`run.*`) belongs to the bridge, and so does
 * `input.response`, which it writes when the answer is sent.
 */
const PASSTHROUGH_TYPES: ReadonlySet<string> = new Set<string>(
  EVENT_TYPES.filter((type) => !["run.start", "run.end", "input.response"].includes(type)),
);

/** Classifies a line. Never throws. */
export function classifyStderrLine(line: string): StderrLine {
  const trimmed = line.trim();
  if (!trimmed.startsWith("{") || !trimmed.endsWith("}")) return { kind: "diagnostic", text: line };
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return { kind: "diagnostic", text: line };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return { kind: "diagnostic", text: line };
  const record = value as Record<string, unknown>;
  if (
    record.type === "progress" &&
    typeof record.agent === "string" &&
    typeof record.task === "string"
  ) {
    return progressLine(record, record.agent, record.task);
  }
  if (typeof record.type === "string" && PASSTHROUGH_TYPES.has(record.type)) {
    const { v: _v, runId: _runId, seq: _seq, ts: _ts, ...fields } = record;
    return { kind: "event", fields: fields as EventLine["fields"] };
  }
  return { kind: "diagnostic", text: line };
}

function progressLine(record: Record<string, unknown>, agent: string, task: string): ProgressLine {
  const kind = stepKindSchema.safeParse(record.kind ?? record.step_kind);
  const line: ProgressLine = {
    kind: "progress",
    agent,
    task,
    stepKind: kind.success ? kind.data : "thought",
  };
  if (typeof record.text === "string" && record.text !== "") line.text = record.text;
  return line;
}

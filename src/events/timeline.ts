/**
 * The timeline of a run: what happened when, as marks on a time axis, for the web UI's timeline
 * picture. Part of the progress model (`RunProgress.timeline`), folded from the same events.
 * Pure, no Node imports.
 */
import type { CrewEvent } from "./protocol.js";
import type { Cost } from "./cost.js";

/** What a mark shows. */
export type TimelineMarkKind = "call" | "tool" | "delegate" | "retry" | "rate_limit" | "input";

/** One bar (with `end`) or point on the timeline. */
export interface TimelineMark {
  kind: TimelineMarkKind;
  /** The `seq` of the event that opened the mark: where the transcript shows it. */
  seq: number;
  task?: string;
  agent?: string;
  /** ISO times; a bar still open has no `end`. */
  start: string;
  end?: string;
  /** The tool, the model, the delegate's target, the retry's reason, the question. */
  label: string;
  /** A model call's tokens (input, output) and cost. */
  inputTokens?: number;
  outputTokens?: number;
  cost?: Cost;
  /** What the provider said it ignored or changed in a model call. */
  warnings?: string[];
  /** The tool call or input request this mark stands for, to close it. */
  id?: string;
  failed?: boolean;
}

/** Most marks kept per run; older ones are dropped first (the picture stays light). */
export const MAX_TIMELINE_MARKS = 2000;

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The timeline after one more event. Returns `marks` itself when the event adds nothing. */
export function recordMark(marks: TimelineMark[], event: CrewEvent): TimelineMark[] {
  const scope = {
    ...(event.task === undefined ? {} : { task: event.task }),
    ...(event.agent === undefined ? {} : { agent: event.agent }),
  };
  const push = (mark: TimelineMark): TimelineMark[] => {
    const next = [...marks, mark];
    return next.length > MAX_TIMELINE_MARKS ? next.slice(-MAX_TIMELINE_MARKS) : next;
  };
  const close = (id: string, end: string, failed = false): TimelineMark[] => {
    const at = marks.findLastIndex((m) => m.id === id && m.end === undefined);
    if (at === -1) return marks;
    const next = marks.slice();
    next[at] = { ...(marks[at] as TimelineMark), end, ...(failed ? { failed } : {}) };
    return next;
  };
  switch (event.type) {
    case "agent.step": {
      if (event.durationMs === undefined) return marks;
      const end = Date.parse(event.ts);
      return push({
        kind: "call",
        seq: event.seq,
        ...scope,
        start: iso(end - event.durationMs),
        end: event.ts,
        label: event.model ?? "model",
        ...(event.usage
          ? { inputTokens: event.usage.inputTokens, outputTokens: event.usage.outputTokens }
          : {}),
        cost: event.cost ?? null,
        ...(event.warnings === undefined ? {} : { warnings: event.warnings }),
        ...(event.finishReason === "error" ? { failed: true } : {}),
      });
    }
    case "tool.call":
      return push({
        kind: "tool",
        seq: event.seq,
        ...scope,
        start: event.ts,
        label: event.tool,
        id: event.callId,
      });
    case "tool.result":
      return close(event.callId, event.ts, event.error !== undefined);
    case "task.delegate":
      return push({
        kind: "delegate",
        seq: event.seq,
        ...scope,
        agent: event.from,
        // A point in time: it starts and ends at once.
        start: event.ts,
        end: event.ts,
        label: `${event.from} → ${event.to}`,
      });
    case "llm.retry":
      return push({
        kind: event.rateLimited === true ? "rate_limit" : "retry",
        seq: event.seq,
        ...scope,
        start: event.ts,
        end: iso(Date.parse(event.ts) + event.delayMs),
        label: event.reason,
      });
    case "input.request":
      return push({
        kind: "input",
        seq: event.seq,
        ...scope,
        start: event.ts,
        label: event.prompt.split("\n")[0] ?? "",
        id: event.requestId,
      });
    case "input.response":
      return close(event.requestId, event.ts);
    case "run.end":
      // Bars a cancel or failure left open end with the run.
      return marks.some((m) => m.end === undefined)
        ? marks.map((m) => (m.end === undefined ? { ...m, end: event.ts } : m))
        : marks;
    default:
      return marks;
  }
}

/**
 * The run as plain text lines, for output that is not a terminal (CI logs, pipes, files): one
 * line per run start and end, task start and end, agent step, tool call or failure,
 * delegation, retry, human input request and answer. Streamed text is not printed (the task's end and
 * the final result carry it), so logs stay readable.
 */
import type { CrewEvent, TokenCount } from "../events/index.js";
import { formatCost, totalTokens } from "../events/index.js";
import { formatArgs, formatDuration, oneLine, truncate } from "./format.js";
import { roleOf, type RunViewState } from "./run-view-state.js";

/** Longest excerpt of a step's text or a tool's arguments on one line. */
const EXCERPT = 160;

function who(state: RunViewState, agentKey: string | undefined): string {
  return agentKey === undefined ? "crew" : roleOf(state.progress, agentKey);
}

function taskLabel(state: RunViewState, taskKey: string | undefined): string {
  const { tasks } = state.progress;
  const task = tasks.find((candidate) => candidate.key === taskKey);
  return task === undefined ? (taskKey ?? "?") : `[${task.index + 1}/${tasks.length}] ${task.key}`;
}

/** "140 tokens", "~230 tokens" for an estimate, "tokens unknown" when nothing was reported. */
function tokens(count: TokenCount | undefined): string {
  if (count === undefined) return "tokens unknown";
  const total = totalTokens(count.usage);
  if (total === 0 && count.estimated) return "tokens unknown";
  return `${count.estimated ? "~" : ""}${total} tokens`;
}

/**
 * The line for one event, or undefined for events that get none (text deltas, successful tool
 * results). `state` is the view after the event was applied, for roles and
 * task positions.
 */
export function plainLine(event: CrewEvent, state: RunViewState): string | undefined {
  switch (event.type) {
    case "run.start":
      return `run ${event.runId} started: ${event.crew} (${event.process}, ${event.tasks.length} tasks)`;
    case "task.start":
      return `${taskLabel(state, event.task)} started by ${who(state, event.agent)}: ${truncate(oneLine(event.description), EXCERPT)}`;
    case "agent.step": {
      const line = `  ${who(state, event.agent)} step ${event.step} (${event.kind}): ${truncate(oneLine(event.text), EXCERPT)}`;
      // The provider's warnings about the call, each on a line of its own.
      return [line, ...(event.warnings ?? []).map((warning) => `    ⚠ ${oneLine(warning)}`)].join(
        "\n",
      );
    }
    case "tool.call":
      return `  ${who(state, event.agent)} calls ${event.tool} ${truncate(oneLine(formatArgs(event.args)), EXCERPT)}`;
    case "tool.result":
      return event.error === undefined
        ? undefined
        : `  tool ${event.tool} failed: ${event.error.message}`;
    case "task.delegate":
      return `  ${who(state, event.from)} delegates to ${who(state, event.to)}: ${truncate(oneLine(event.reason), EXCERPT)}`;
    case "llm.retry":
      return `  retry ${event.attempt} in ${formatDuration(event.delayMs)}: ${event.reason}`;
    case "input.request":
      return `  ${taskLabel(state, event.task)} waits for human input: ${truncate(oneLine(event.prompt), EXCERPT)}`;
    case "input.response":
      return `  human answered: ${event.text.trim() === "" ? "(accepted as is)" : truncate(oneLine(event.text), EXCERPT)}`;
    case "guardrail.check":
      return `  check ${event.attempt} ${event.ok ? "passed" : "failed"}${event.feedback === undefined ? "" : `: ${truncate(oneLine(event.feedback), EXCERPT)}`}`;
    case "task.end": {
      const task = state.progress.tasks.find((t) => t.key === event.task);
      const done = `${taskLabel(state, event.task)} done in ${formatDuration(event.durationMs)} (${tokens(task)}) cost ${formatCost(task?.cost)}`;
      const file = event.file === undefined ? "" : `, wrote ${event.file}`;
      // A structured output is printed whole and indented: it is data, not prose to skim.
      const object =
        event.object === undefined
          ? ""
          : `\n${JSON.stringify(event.object, null, 2)
              .split("\n")
              .map((line) => `    ${line}`)
              .join("\n")}`;
      return `${done}${file}${object}`;
    }
    case "run.end": {
      const error =
        event.error === undefined ? "" : ` [${event.error.code}] ${event.error.message}`;
      return `run ${event.status} in ${formatDuration(event.durationMs)} (${tokens(state.progress)}) cost ${formatCost(state.progress.cost)}${error}`;
    }
    default:
      return undefined;
  }
}

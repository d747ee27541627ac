/**
 * Long-term memory in a run (crew.yaml `memory: true`): before a task its agent recalls the
 * entries most relevant to the task, and after the task its outcome is saved. Both stream as
 * events (`memory.recall`, `memory.save`).
 */
import type { TaskDefinition } from "../crew/index.js";
import type { RunContext, TurnScope } from "./run-context.js";
import { summaryLine } from "./prompts.js";

/** Entries recalled into one prompt at most. */
const RECALL_LIMIT = 3;

/** Recalls what is relevant to `task` and emits `memory.recall`; "" without a memory. */
export async function recallFor(
  ctx: RunContext,
  scope: TurnScope,
  task: Pick<TaskDefinition, "description" | "expectedOutput">,
): Promise<string> {
  if (!ctx.memory) return "";
  const entries = await ctx.memory.recall(
    `${task.description} ${task.expectedOutput}`,
    RECALL_LIMIT,
  );
  await ctx.emit({ type: "memory.recall", ...scope, entries });
  return entries.map((entry) => `- ${entry.text}`).join("\n");
}

/** Saves the outcome of a task and emits `memory.save`; nothing without a memory. */
export async function saveOutcome(
  ctx: RunContext,
  scope: TurnScope,
  task: Pick<TaskDefinition, "description">,
  output: string,
): Promise<void> {
  if (!ctx.memory) return;
  const summary = summaryLine(
    output
      .split(/\r?\n/)
      .filter((line) => !line.startsWith("_(offline model"))
      .join("\n")
      .replace(/^[#>*\s-]+/gm, ""),
    240,
  );
  const entry = await ctx.memory.save({
    task: `${scope.task}: ${summaryLine(task.description, 160)}`,
    agent: scope.agent,
    summary,
    inputs: ctx.inputs,
  });
  await ctx.emit({ type: "memory.save", ...scope, entry });
}

/**
 * The live view of a batch (`run --inputs-file`): one line per item with its status, the task
 * at work (several when tasks run in parallel) and tokens so far.
 */
import pc from "picocolors";
import { totalTokens, type RunProgress } from "../events/index.js";

/** One item of a batch as the view shows it. */
export interface BatchItem {
  /** 1-based line of the inputs file. */
  line: number;
  inputs: Record<string, unknown>;
  runId: string;
  progress: RunProgress;
}

function inputsText(inputs: Record<string, unknown>): string {
  const text = Object.entries(inputs)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(" ");
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

/** The line of one item. */
export function batchLine(item: BatchItem, color: boolean): string {
  const colors = pc.createColors(color);
  const { progress } = item;
  const working = progress.tasks
    .filter((t) => t.status === "running" || t.status === "waiting_input")
    .map((t) => t.key);
  const status =
    progress.status === "completed"
      ? colors.green("completed")
      : progress.status === "failed"
        ? colors.red("failed")
        : progress.status === "cancelled"
          ? colors.yellow("cancelled")
          : progress.status;
  const detail =
    progress.status === "failed" && progress.error !== undefined
      ? `${progress.error.code}: ${progress.error.message}`
      : working.join(", ");
  const tokens = totalTokens(progress.usage);
  return [
    `#${item.line}`.padEnd(5),
    status.padEnd(color ? 19 : 10),
    colors.dim(item.runId.slice(0, 8)),
    inputsText(item.inputs),
    tokens > 0 ? colors.dim(`${tokens} tok`) : "",
    detail,
  ]
    .filter((part) => part !== "")
    .join("  ");
}

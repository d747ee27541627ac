/**
 * Renders a {@link RunViewState} as one frame of the live terminal view: a header, a row per
 * agent, a row per task, and under each running task its current step, tool calls,
 * delegations, retries and the streaming tail of its text. Pure: same state and options, same
 * frame, so it is unit-tested without a terminal.
 */
import pc from "picocolors";
import type {
  AgentProgress,
  ProgressStatus,
  RunProgress,
  TaskProgress,
  TokenCount,
} from "../events/index.js";
import { formatCost, isActive, isRunEnded, streamedText, totalTokens } from "../events/index.js";
import {
  fit,
  formatArgs,
  formatDuration,
  formatTokens,
  oneLine,
  tailLines,
  truncate,
} from "./format.js";
import { roleOf, workingOn, type RunViewState } from "./run-view-state.js";

/** The colour functions the frame uses (picocolors' shape, so colours can be switched off). */
export type Colors = Pick<
  typeof pc,
  "bold" | "dim" | "green" | "red" | "yellow" | "cyan" | "magenta" | "gray"
>;

/** Options of {@link renderFrame}. */
export interface FrameOptions {
  /** Epoch ms used for elapsed times of running tasks: the wall clock live, the event clock in replay. */
  now: number;
  /** Terminal columns. */
  width: number;
  /** Animation frame counter for spinners. */
  tick?: number;
  /** Colours; `pc.createColors(false)` for plain text. */
  colors?: Colors;
  /** Lines of streamed text shown under a running task. */
  tailLines?: number;
}

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** Characters of streamed text considered for the tail under a running task. */
const TAIL_CHARS = 600;

function icon(status: ProgressStatus, tick: number, c: Colors): string {
  switch (status) {
    case "pending":
      return c.gray("○");
    case "running":
      return c.cyan(SPINNER[tick % SPINNER.length] ?? "•");
    case "waiting_input":
      return c.yellow("?");
    case "completed":
      return c.green("✔");
    case "failed":
      return c.red("✖");
    case "cancelled":
      return c.yellow("■");
  }
}

function elapsed(task: TaskProgress, now: number): number | undefined {
  if (task.durationMs !== undefined) return task.durationMs;
  if (task.startedAt === undefined) return undefined;
  return (task.endedAt === undefined ? now : Date.parse(task.endedAt)) - Date.parse(task.startedAt);
}

/** The token cell: `~` marks an estimate, `?` tokens nobody reported. */
function tokens(count: TokenCount, status: ProgressStatus): string {
  const total = totalTokens(count.usage);
  if (total === 0) return count.estimated && status !== "pending" ? "? tok" : "";
  return formatTokens(total, count.estimated);
}

function header(progress: RunProgress, options: Required<FrameOptions>): string {
  const c = options.colors;
  const name = progress.crew ?? "crew";
  const meta = [progress.process, progress.runId?.slice(0, 8)]
    .filter((part) => part !== undefined)
    .join(" · ");
  const ended = isRunEnded(progress.status);
  const duration =
    progress.durationMs ??
    (progress.startedAt === undefined ? 0 : options.now - Date.parse(progress.startedAt));
  const count = tokens(progress, "running") || formatTokens(0);
  const right = `${formatDuration(duration)} · ${formatCost(progress.cost)} · ${count}`;
  const left = `${c.bold(c.magenta("◆ " + name))} ${c.dim(meta)}`;
  const status = ended ? ` ${endLabel(progress.status, c)}` : "";
  return `${left}${status}  ${c.dim(right)}`;
}

function endLabel(status: RunProgress["status"], c: Colors): string {
  if (status === "completed") return c.green("completed");
  if (status === "failed") return c.red("failed");
  return c.yellow("cancelled");
}

/** Column widths of the agent rows, so the columns line up and the row fits the terminal. */
interface AgentColumns {
  key: number;
  role: number;
}

function agentColumns(
  agents: ReadonlyArray<{ key: string; role: string }>,
  width: number,
): AgentColumns {
  const key = Math.min(Math.max(...agents.map((a) => a.key.length), 6), 16);
  // Room left for the role after the icon, key, current task, steps and tokens columns.
  const room = width - 4 - key - 2 - 18 - 10 - 10;
  const role = Math.max(Math.min(Math.max(...agents.map((a) => a.role.length), 10), room, 44), 10);
  return { key, role };
}

function agentRow(
  agent: AgentProgress,
  progress: RunProgress,
  options: Required<FrameOptions>,
  columns: AgentColumns,
): string {
  const c = options.colors;
  const active = isActive(agent.status);
  const what = workingOn(progress, agent.key)?.key ?? (agent.status === "pending" ? "idle" : "");
  const steps = agent.steps > 0 ? `${agent.steps} step${agent.steps === 1 ? "" : "s"}` : "";
  const cells = [
    fit(agent.key, columns.key),
    fit(roleOf(progress, agent.key), columns.role),
    fit(what, 16),
    fit(steps, 8),
    tokens(agent, agent.status),
  ];
  const line = truncate(cells.join("  ").trimEnd(), options.width - 4);
  return `  ${icon(agent.status, options.tick, c)} ${active ? line : c.dim(line)}`.trimEnd();
}

function taskRow(
  task: TaskProgress,
  total: number,
  options: Required<FrameOptions>,
  keyWidth: number,
): string {
  const c = options.colors;
  const time = elapsed(task, options.now);
  const cells = [
    `${task.index + 1}/${total}`,
    fit(task.key, keyWidth),
    fit((isActive(task.status) ? task.activeAgent : undefined) ?? task.agent ?? "", 14),
    fit(time === undefined ? "" : formatDuration(time), 7),
    tokens(task, task.status),
  ];
  const text = truncate(cells.join("  ").trimEnd(), options.width - 4);
  const active = isActive(task.status);
  return `  ${icon(task.status, options.tick, c)} ${active ? c.bold(text) : task.status === "pending" ? c.dim(text) : text}`;
}

function taskDetails(task: TaskProgress, options: Required<FrameOptions>): string[] {
  const c = options.colors;
  const inner = Math.max(options.width - 8, 10);
  const bar = c.dim("    │ ");
  const lines: string[] = [];
  if (task.description !== undefined && task.description !== "")
    lines.push(bar + c.dim(truncate(oneLine(task.description), inner)));
  for (const d of task.delegations.slice(-2)) {
    lines.push(bar + c.magenta(truncate(`↪ ${d.from} → ${d.to}: ${oneLine(d.reason)}`, inner)));
  }
  for (const call of task.tools.slice(-3)) {
    const mark =
      call.status === "running"
        ? c.cyan("…")
        : call.status === "completed"
          ? c.green("✔")
          : c.red("✖");
    const text = truncate(`⚙ ${call.tool} ${oneLine(formatArgs(call.args))}`, inner - 2);
    lines.push(`${bar}${c.cyan(text)} ${mark}`);
  }
  if (task.lastStep !== undefined) {
    const who = task.lastStep.agent === undefined ? "" : `${task.lastStep.agent} · `;
    const label = `${who}step ${task.lastStep.step} ${task.lastStep.kind}: `;
    lines.push(bar + c.yellow(label) + truncate(oneLine(task.lastStep.text), inner - label.length));
  }
  // Reasoning the model is streaming now, dimmed: it is not part of the task's answer.
  const thought = task.thoughts.at(-1);
  if (thought !== undefined && thought.step === undefined && task.status === "running") {
    const label = "thinking: ";
    const room = Math.max(inner - label.length, 1);
    const text = oneLine(thought.text);
    const shown = text.length > room ? `…${text.slice(text.length - room + 1)}` : text;
    lines.push(bar + c.dim(label + shown));
  }
  if (task.retry !== undefined) {
    const r = task.retry;
    lines.push(
      bar +
        c.yellow(
          truncate(`↻ retry ${r.attempt} in ${formatDuration(r.delayMs)}: ${r.reason}`, inner),
        ),
    );
  }
  lines.push(...warningLines(task, options));
  for (const check of (task.checks ?? []).slice(-2)) {
    const text = `${check.ok ? "✔" : "✖"} check ${check.attempt}${check.feedback === undefined ? "" : `: ${oneLine(check.feedback)}`}`;
    lines.push(bar + (check.ok ? c.green : c.red)(truncate(text, inner)));
  }
  if (task.status === "waiting_input") lines.push(bar + c.yellow("? waiting for your answer"));
  const tail = streamedText(task).slice(-TAIL_CHARS);
  for (const line of tailLines(tail, inner, options.tailLines)) lines.push(bar + line);
  return lines;
}

/** The provider's warnings about the task's calls (at most two), one line each. */
function warningLines(task: TaskProgress, options: Required<FrameOptions>): string[] {
  const inner = Math.max(options.width - 8, 10);
  return (task.warnings ?? [])
    .slice(0, 2)
    .map(
      (warning) =>
        options.colors.dim("    │ ") +
        options.colors.yellow(truncate(`⚠ ${oneLine(warning)}`, inner)),
    );
}

/** Renders the frame as text with ANSI colours (none when `colors` disables them). */
export function renderFrame(state: RunViewState, options: FrameOptions): string {
  const full: Required<FrameOptions> = { tick: 0, colors: pc, tailLines: 3, ...options };
  const c = full.colors;
  const { progress } = state;
  if (progress.crew === undefined)
    return `${c.cyan(SPINNER[full.tick % SPINNER.length] ?? "•")} starting…`;
  const lines = [header(progress, full), "", c.bold("  Agents")];
  const columns = agentColumns(
    progress.agents.map((a) => ({ key: a.key, role: roleOf(progress, a.key) })),
    full.width,
  );
  for (const agent of progress.agents) lines.push(agentRow(agent, progress, full, columns));
  lines.push("", c.bold("  Tasks"));
  const keyWidth = Math.min(Math.max(...progress.tasks.map((t) => t.key.length), 8), 28);
  for (const task of progress.tasks) {
    lines.push(taskRow(task, progress.tasks.length, full, keyWidth));
    // A finished task keeps its warnings in view: they explain what the provider did not do.
    if (isActive(task.status)) lines.push(...taskDetails(task, full));
    else lines.push(...warningLines(task, full));
  }
  return lines.join("\n");
}

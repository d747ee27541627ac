/**
 * Renders a {@link RunViewState} as one frame of the live terminal view: a header, a row per
 * agent, a row per task, and under each running task its current step, tool calls,
 * delegations, retries and the streaming tail of its text. Pure: same state and options, same
 * frame, so it is unit-tested without a terminal.
 */
import pc from "picocolors";
import {
  fit,
  formatArgs,
  formatDuration,
  formatTokens,
  oneLine,
  tailLines,
  truncate,
} from "./format.js";
import type { AgentView, RunViewState, TaskView, ViewStatus } from "./run-view-state.js";

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

function icon(status: ViewStatus, tick: number, c: Colors): string {
  switch (status) {
    case "pending":
      return c.gray("○");
    case "running":
      return c.cyan(SPINNER[tick % SPINNER.length] ?? "•");
    case "waiting":
      return c.yellow("?");
    case "done":
      return c.green("✔");
    case "failed":
      return c.red("✖");
    case "cancelled":
      return c.yellow("■");
  }
}

function elapsed(task: TaskView, now: number): number | undefined {
  if (task.durationMs !== undefined) return task.durationMs;
  if (task.startedAt === undefined) return undefined;
  return (task.endedAt ?? now) - task.startedAt;
}

/**
 * Tokens of the run: exact from `run.end`, else the finished tasks' usage plus the streamed
 * chunks of unfinished ones (also after a cancel, whose `run.end` may not count them).
 */
function runTokens(state: RunViewState): { count: number; estimate: boolean } {
  const exact =
    state.end === undefined ? 0 : state.end.usage.inputTokens + state.end.usage.outputTokens;
  if (exact > 0) return { count: exact, estimate: false };
  let count = 0;
  let estimate = false;
  for (const task of state.tasks) {
    if (task.usage !== undefined) count += task.usage.inputTokens + task.usage.outputTokens;
    else if (task.streamedChunks > 0) {
      count += task.streamedChunks;
      estimate = true;
    }
  }
  return { count, estimate };
}

function header(state: RunViewState, options: Required<FrameOptions>): string {
  const c = options.colors;
  const name = state.crew ?? "crew";
  const meta = [state.process, state.runId?.slice(0, 8)]
    .filter((part) => part !== undefined)
    .join(" · ");
  const end = state.end;
  const duration =
    end?.durationMs ?? (state.startedAt === undefined ? 0 : options.now - state.startedAt);
  const tokens = runTokens(state);
  const right = `${formatDuration(duration)} · ${formatTokens(tokens.count, tokens.estimate)}`;
  const left = `${c.bold(c.magenta("◆ " + name))} ${c.dim(meta)}`;
  const status = end === undefined ? "" : ` ${endLabel(end.status, c)}`;
  return `${left}${status}  ${c.dim(right)}`;
}

function endLabel(status: "completed" | "failed" | "cancelled", c: Colors): string {
  if (status === "completed") return c.green("completed");
  if (status === "failed") return c.red("failed");
  return c.yellow("cancelled");
}

/** Column widths of the agent rows, so the columns line up and the row fits the terminal. */
interface AgentColumns {
  key: number;
  role: number;
}

function agentColumns(agents: readonly AgentView[], width: number): AgentColumns {
  const key = Math.min(Math.max(...agents.map((a) => a.key.length), 6), 16);
  // Room left for the role after the icon, key, current task, steps and tokens columns.
  const room = width - 4 - key - 2 - 18 - 10 - 10;
  const role = Math.max(Math.min(Math.max(...agents.map((a) => a.role.length), 10), room, 44), 10);
  return { key, role };
}

function agentRow(
  agent: AgentView,
  options: Required<FrameOptions>,
  columns: AgentColumns,
): string {
  const c = options.colors;
  const running = agent.status === "running";
  const what = agent.task ?? (agent.status === "pending" ? "idle" : "");
  const tokens = agent.tokens > 0 ? formatTokens(agent.tokens, running) : "";
  const steps = agent.steps > 0 ? `${agent.steps} step${agent.steps === 1 ? "" : "s"}` : "";
  const cells = [
    fit(agent.key, columns.key),
    fit(agent.role, columns.role),
    fit(what, 16),
    fit(steps, 8),
    tokens,
  ];
  const line = truncate(cells.join("  ").trimEnd(), options.width - 4);
  return `  ${icon(agent.status, options.tick, c)} ${running ? line : c.dim(line)}`.trimEnd();
}

function taskRow(
  task: TaskView,
  total: number,
  options: Required<FrameOptions>,
  keyWidth: number,
): string {
  const c = options.colors;
  const time = elapsed(task, options.now);
  const tokens =
    task.usage !== undefined
      ? formatTokens(task.usage.inputTokens + task.usage.outputTokens)
      : task.streamedChunks > 0
        ? formatTokens(task.streamedChunks, true)
        : "";
  const cells = [
    `${task.index + 1}/${total}`,
    fit(task.key, keyWidth),
    fit(task.agent ?? "", 14),
    fit(time === undefined ? "" : formatDuration(time), 7),
    tokens,
  ];
  const text = truncate(cells.join("  ").trimEnd(), options.width - 4);
  const active = task.status === "running" || task.status === "waiting";
  return `  ${icon(task.status, options.tick, c)} ${active ? c.bold(text) : task.status === "pending" ? c.dim(text) : text}`;
}

function taskDetails(task: TaskView, options: Required<FrameOptions>): string[] {
  const c = options.colors;
  const inner = Math.max(options.width - 8, 10);
  const bar = c.dim("    │ ");
  const lines: string[] = [];
  if (task.description !== "") lines.push(bar + c.dim(truncate(oneLine(task.description), inner)));
  for (const d of task.delegations.slice(-2)) {
    lines.push(bar + c.magenta(truncate(`↪ ${d.from} → ${d.to}: ${oneLine(d.reason)}`, inner)));
  }
  for (const call of task.tools.slice(-3)) {
    const mark =
      call.state === "running" ? c.cyan("…") : call.state === "ok" ? c.green("✔") : c.red("✖");
    const text = truncate(`⚙ ${call.tool} ${oneLine(formatArgs(call.args))}`, inner - 2);
    lines.push(`${bar}${c.cyan(text)} ${mark}`);
  }
  if (task.lastStep !== undefined) {
    const who = task.lastStep.agent === undefined ? "" : `${task.lastStep.agent} · `;
    const label = `${who}step ${task.lastStep.step} ${task.lastStep.kind}: `;
    lines.push(bar + c.yellow(label) + truncate(oneLine(task.lastStep.text), inner - label.length));
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
  if (task.status === "waiting") lines.push(bar + c.yellow("? waiting for your answer"));
  for (const line of tailLines(task.tail, inner, options.tailLines)) lines.push(bar + line);
  return lines;
}

/** Renders the frame as text with ANSI colours (none when `colors` disables them). */
export function renderFrame(state: RunViewState, options: FrameOptions): string {
  const full: Required<FrameOptions> = { tick: 0, colors: pc, tailLines: 3, ...options };
  const c = full.colors;
  if (state.crew === undefined)
    return `${c.cyan(SPINNER[full.tick % SPINNER.length] ?? "•")} starting…`;
  const lines = [header(state, full), "", c.bold("  Agents")];
  const columns = agentColumns(state.agents, full.width);
  for (const agent of state.agents) lines.push(agentRow(agent, full, columns));
  lines.push("", c.bold("  Tasks"));
  const keyWidth = Math.min(Math.max(...state.tasks.map((t) => t.key.length), 8), 28);
  for (const task of state.tasks) {
    lines.push(taskRow(task, state.tasks.length, full, keyWidth));
    if (task.status === "running" || task.status === "waiting")
      lines.push(...taskDetails(task, full));
  }
  return lines.join("\n");
}

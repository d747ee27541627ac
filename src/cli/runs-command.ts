/**
 * `crewstream runs`: a table of recent runs from the run store (newest first), or JSON.
 */
import { existsSync } from "node:fs";
import pc from "picocolors";
import { formatCost, type Cost } from "../events/index.js";
import { SummaryCache } from "../runs/index.js";
import type { Colors } from "./render-frame.js";
import { SqliteRunStore, type RunRecord, type RunStatus } from "../store/index.js";
import { resolveDbPath } from "./cli-paths.js";
import { fit, formatDuration, truncate } from "./format.js";

/** Options of `crewstream runs` (commander has checked the limit and the status). */
export interface RunsCommandOptions {
  db?: string;
  limit: number;
  status?: RunStatus;
  json?: boolean;
}

/** `2026-01-31 14:05:09` in local time. */
function formatTimestamp(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

function duration(run: RunRecord): string {
  if (run.startedAt === undefined) return "";
  const end = run.endedAt === undefined ? Date.now() : Date.parse(run.endedAt);
  return formatDuration(end - Date.parse(run.startedAt)) + (run.endedAt === undefined ? "…" : "");
}

/** Widest INPUTS cell; longer inputs end with an ellipsis. */
const INPUTS_WIDTH = 48;

/** `topic=solar batteries, year=2026`: what the run was about, on one line. */
export function formatInputs(inputs: RunRecord["inputs"]): string {
  return Object.entries(inputs)
    .map(([name, value]) => `${name}=${String(value).replace(/\s+/g, " ")}`)
    .join(", ");
}

function colorStatus(status: RunStatus, colors: Colors): string {
  const text = fit(status, 10);
  if (status === "completed") return colors.green(text);
  if (status === "failed") return colors.red(text);
  if (status === "cancelled") return colors.yellow(text);
  return colors.cyan(text);
}

/** Formats runs as an aligned table (colours only when `colors` has them on). */
export function formatRunsTable(
  runs: readonly RunRecord[],
  colors: Colors = pc.createColors(false),
  /** Each run's cost, by id: a COST column (`unknown` for a model without a price). */
  costs?: ReadonlyMap<string, Cost | undefined>,
): string {
  const idWidth = Math.max(2, ...runs.map((run) => run.id.length));
  const crewWidth = Math.min(Math.max(4, ...runs.map((run) => run.crew.length)), 30);
  const head = [
    fit("ID", idWidth),
    fit("CREW", crewWidth),
    fit("STATUS", 10),
    fit("CREATED", 19),
    fit("DURATION", 9),
    ...(costs ? [fit("COST", 9)] : []),
    fit("SOURCE", 6),
    "INPUTS",
  ];
  const lines = [colors.bold(head.join("  "))];
  for (const run of runs) {
    const cells = [
      fit(run.id, idWidth),
      fit(run.crew, crewWidth),
      colorStatus(run.status, colors),
      fit(formatTimestamp(run.createdAt), 19),
      fit(duration(run), 9),
      ...(costs ? [fit(formatCost(costs.get(run.id)), 9)] : []),
      fit(run.source ?? "", 6),
      truncate(formatInputs(run.inputs), INPUTS_WIDTH),
    ];
    lines.push(cells.join("  ").trimEnd());
  }
  return lines.join("\n");
}

/** Lists recent runs; answers the exit code. */
export async function runsCommand(options: RunsCommandOptions): Promise<number> {
  const { limit, status } = options;
  const path = resolveDbPath(options.db);
  if (!existsSync(path)) {
    if (options.json === true) process.stdout.write(`${JSON.stringify({ runs: [] })}\n`);
    else process.stdout.write(`No runs yet: there is no database at ${path}.\n`);
    return 0;
  }
  const store = new SqliteRunStore({ path });
  try {
    const page = await store.listRuns({ limit, ...(status === undefined ? {} : { status }) });
    if (options.json === true) {
      process.stdout.write(`${JSON.stringify(page)}\n`);
    } else if (page.runs.length === 0) {
      process.stdout.write(
        `No runs${status === undefined ? "" : ` with status ${status}`} in ${path}.\n`,
      );
    } else {
      const colors = pc.createColors(process.stdout.isTTY === true);
      // The cost is summed from each run's events (the same summary as GET /api/runs/:id).
      const summaries = new SummaryCache(store);
      const costs = new Map<string, Cost | undefined>();
      for (const run of page.runs) costs.set(run.id, (await summaries.details(run)).summary.cost);
      process.stdout.write(`${formatRunsTable(page.runs, colors, costs)}\n`);
    }
    return 0;
  } finally {
    await store.close();
  }
}

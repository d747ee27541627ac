/**
 * `crewstream run --inputs-file items.jsonl`: one run per line (CrewAI's `kickoff_for_each`),
 * at most `--concurrency` at once, shown in one live view with a line per item. Exits 1 when
 * any run did not complete.
 */
import { readFile } from "node:fs/promises";
import {
  CrewError,
  ErrorCode,
  flatten,
  initialProgress,
  inputsSchema,
  reduceProgress,
  type Inputs,
} from "../events/index.js";
import type { RunService } from "../runs/index.js";
import { batchLine, type BatchItem } from "./batch-lines.js";
import { ExitCode } from "./exit-codes.js";

/** The items of a JSON-lines file, each over `base`; a bad line is a bad_request naming it. */
export async function readInputsFile(path: string, base: Inputs): Promise<Inputs[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new CrewError(ErrorCode.BAD_REQUEST, `Cannot read the inputs file ${path}.`, {
      cause: error,
    });
  }
  const items: Inputs[] = [];
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new CrewError(ErrorCode.BAD_REQUEST, `${path}:${index + 1}: not valid JSON.`);
    }
    const parsed = inputsSchema.safeParse(value);
    if (!parsed.success)
      throw new CrewError(
        ErrorCode.BAD_REQUEST,
        `${path}:${index + 1}: each line must be a flat JSON object of strings, numbers and booleans.`,
      );
    items.push({ ...base, ...parsed.data });
  }
  if (items.length === 0)
    throw new CrewError(
      ErrorCode.BAD_REQUEST,
      `${path} has no inputs: give one JSON object per line.`,
    );
  return items;
}

/** What {@link runBatch} needs. */
export interface RunBatchOptions {
  runs: RunService;
  crew: string;
  items: Inputs[];
  timeoutMs?: number;
  /** "jsonl": every run's events on stdout; "live": redrawn lines; "plain": a line per ended run. */
  mode: "jsonl" | "live" | "plain";
  stdout: NodeJS.WritableStream;
}

/** Starts the batch and follows every run to its end; answers the exit code. */
export async function runBatch(options: RunBatchOptions): Promise<number> {
  const { runs, stdout, mode } = options;
  const batch = await runs.startBatch({
    crew: options.crew,
    inputs: options.items,
    source: "cli",
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  const items: BatchItem[] = batch.runs.map((run, index) => ({
    line: index + 1,
    inputs: run.inputs,
    runId: run.id,
    progress: initialProgress(run.id),
  }));
  const color = mode === "live";
  let drawn = 0;
  const draw = (): void => {
    if (mode !== "live") return;
    const lines = items.map((item) => batchLine(item, color));
    stdout.write(
      `${drawn > 0 ? `\x1b[${drawn}A` : ""}${lines.map((l) => `\x1b[2K${l}\n`).join("")}`,
    );
    drawn = lines.length;
  };
  if (mode === "plain") stdout.write(`Batch ${batch.batchId}: ${items.length} runs\n`);
  draw();
  const timer = mode === "live" ? setInterval(draw, 200) : undefined;
  try {
    await Promise.all(
      items.map(async (item) => {
        for await (const event of flatten(await runs.openEvents(item.runId))) {
          item.progress = reduceProgress(item.progress, event);
          if (mode === "jsonl") stdout.write(`${JSON.stringify(event)}\n`);
          if (event.type === "run.end" && mode === "plain")
            stdout.write(`${batchLine(item, false)}\n`);
        }
      }),
    );
  } finally {
    clearInterval(timer);
    draw();
  }
  const failed = items.filter((item) => item.progress.status !== "completed").length;
  if (mode !== "jsonl") {
    stdout.write(
      failed === 0
        ? `All ${items.length} runs completed.\n`
        : `${failed} of ${items.length} runs did not complete.\n`,
    );
  }
  return failed === 0 ? ExitCode.OK : ExitCode.FAILED;
}

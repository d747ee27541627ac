/**
 * `crewstream replay <runId>`: a stored run's events again, through the same outputs as a live
 * run (the live view in a terminal, plain lines otherwise, or `--jsonl`), as fast as possible
 * or paced by the original timestamps with `--speed`.
 */
import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { CrewError, ErrorCode, type CrewEvent, type RunEndEvent } from "../events/index.js";
import { findRun } from "../runs/index.js";
import { cliName } from "./cli-name.js";
import { SqliteRunStore, type RunStore } from "../store/index.js";
import { resolveDbPath } from "./cli-paths.js";
import { chooseOutputMode, createRunOutput } from "./run-output.js";

/** Options of `crewstream replay`. */
export interface ReplayCommandOptions {
  db?: string;
  jsonl?: boolean;
  /** Pace: 1 is the original speed, 2 twice as fast; absent means no waiting. */
  speed?: number;
}

/** Events read from the store per query. */
const PAGE = 500;
/** Longest pause between two events, so a run that waited an hour replays in reasonable time. */
const MAX_PAUSE_MS = 5000;

/** Every stored event of a run, in order, page by page. */
async function* readRunEvents(store: RunStore, runId: string): AsyncGenerator<CrewEvent> {
  let after = 0;
  for (;;) {
    const page = await store.readEvents(runId, after, PAGE);
    yield* page;
    const last = page.at(-1);
    if (last === undefined || page.length < PAGE) return;
    after = last.seq;
  }
}

/** Replays a run; answers the exit code. */
export async function replayCommand(
  runId: string,
  options: ReplayCommandOptions,
  signal: AbortSignal,
): Promise<number> {
  const { speed } = options;
  const path = resolveDbPath(options.db);
  if (!existsSync(path))
    throw new CrewError(
      ErrorCode.RUN_NOT_FOUND,
      `No run ${runId}: there is no database at ${path}.`,
    );
  const store = new SqliteRunStore({ path });
  try {
    // By id or by a unique prefix (the live view shows the first 8 characters).
    const run = await findRun(store, runId);
    if (run === undefined) {
      throw new CrewError(
        ErrorCode.RUN_NOT_FOUND,
        `No run ${runId} in ${path}; \`${cliName()} runs\` lists the runs.`,
      );
    }
    const mode = chooseOutputMode({ jsonl: options.jsonl === true }, process.stdout);
    const output = createRunOutput({
      mode,
      stdout: process.stdout,
      stderr: process.stderr,
      // Elapsed times follow the recorded clock, not the time of the replay.
      now: (state) => state.lastEventAt ?? Date.now(),
    });
    let end: RunEndEvent | undefined;
    let previous: number | undefined;
    try {
      for await (const event of readRunEvents(store, run.id)) {
        if (signal.aborted) break;
        const at = Date.parse(event.ts);
        if (speed !== undefined && previous !== undefined && at > previous) {
          await sleep(Math.min((at - previous) / speed, MAX_PAUSE_MS), undefined, { signal }).catch(
            () => undefined,
          );
        }
        previous = at;
        output.event(event);
        if (event.type === "run.end") end = event;
      }
    } finally {
      output.finish(end);
    }
    if (end === undefined && mode !== "jsonl") {
      process.stderr.write(
        `Run ${run.id} has no end yet (status ${run.status}): replayed ${run.lastSeq} events.\n`,
      );
    }
    return 0;
  } finally {
    await store.close();
  }
}

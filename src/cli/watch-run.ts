/**
 * Follows one run to its end in the terminal: shows its events, answers human input at the
 * terminal, and turns Ctrl-C into a clean cancel. Shared by `run` (a run started here).
 */
import { flatten, type RunEndEvent } from "../events/index.js";
import { openWatch, type RunService } from "../runs/index.js";
import { cliName } from "./cli-name.js";
import { askHuman, canAskHuman } from "./human-input.js";
import { handleInterrupts } from "./interrupts.js";
import type { RunOutput } from "./run-output.js";

/** The parts of the run service a watcher uses. */
type WatchedRuns = Pick<RunService, "resolveId" | "openEvents" | "watch" | "cancel" | "answer">;

/** Options of {@link watchRun}. */
export interface WatchRunOptions {
  runs: WatchedRuns;
  runId: string;
  output: RunOutput;
  stderr?: NodeJS.WritableStream;
}

/**
 * Shows the run until its `run.end` and answers that event. The first Ctrl-C asks the manager
 * to cancel (the run still ends with its own `run.end`, which is shown); a second exits at once.
 * Without a terminal, an input request cancels the run with an explanation on stderr.
 */
export async function watchRun(options: WatchRunOptions): Promise<RunEndEvent | undefined> {
  const { runs, runId, output } = options;
  const stderr = options.stderr ?? process.stderr;
  const prompts = new AbortController();
  let cancelling = false;
  const cancel = (): void => {
    if (cancelling) return;
    cancelling = true;
    prompts.abort();
    runs.cancel(runId).catch((error: unknown) => {
      stderr.write(
        `Could not cancel run ${runId}: ${error instanceof Error ? error.message : String(error)}\n`,
      );
    });
  };
  const interrupts = handleInterrupts(cancel, (text) => output.notice(text));
  let end: RunEndEvent | undefined;
  try {
    // The same watch as every other consumer: a slow terminal resumes from its cursor.
    for await (const event of flatten(await openWatch(runs, runId))) {
      output.event(event);
      if (event.type === "run.end") end = event;
      if (event.type !== "input.request" || cancelling) continue;
      if (!canAskHuman()) {
        stderr.write(
          `Task "${event.task ?? "?"}" asks for human input, but there is no terminal to answer it. ` +
            `Run the crew in a terminal, or with \`${cliName()} serve\` and answer in the web UI.\n`,
        );
        cancel();
        continue;
      }
      output.pause();
      try {
        const text = await askHuman(event.prompt, {
          signal: prompts.signal,
          onInterrupt: interrupts.interrupt,
        });
        await runs.answer(runId, event.requestId, text);
      } catch (error) {
        if (!prompts.signal.aborted) throw error;
      } finally {
        output.resume();
      }
    }
  } finally {
    interrupts.dispose();
    output.finish(end);
  }
  return end;
}

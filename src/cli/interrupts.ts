/**
 * Ctrl-C while a run is going: the first SIGINT cancels the run cleanly (it ends with
 * `run.end` cancelled and the command exits 130); a second one exits at once.
 */
import { ExitCode } from "./exit-codes.js";

/** Installed SIGINT/SIGTERM handling; call `dispose()` when the run is over. */
export interface Interrupts {
  /** How many times the user pressed Ctrl-C (or the process got SIGTERM). */
  readonly count: number;
  /** Counts an interrupt that reached us another way (readline eats Ctrl-C while prompting). */
  readonly interrupt: () => void;
  dispose(): void;
}

/** Calls `cancel` on the first interrupt and exits with 130 on the second. */
export function handleInterrupts(
  cancel: () => void,
  stderr: NodeJS.WritableStream = process.stderr,
): Interrupts {
  let count = 0;
  const interrupt = (): void => {
    count += 1;
    if (count === 1) {
      stderr.write("\nCancelling the run… (press Ctrl-C again to quit at once)\n");
      cancel();
      return;
    }
    process.exit(ExitCode.CANCELLED);
  };
  process.on("SIGINT", interrupt);
  process.on("SIGTERM", interrupt);
  return {
    get count() {
      return count;
    },
    interrupt,
    dispose() {
      process.off("SIGINT", interrupt);
      process.off("SIGTERM", interrupt);
    },
  };
}

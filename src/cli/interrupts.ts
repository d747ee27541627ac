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

/**
 * A second signal this soon after the first is the same Ctrl-C delivered twice (the terminal
 * signals the whole process group, and launchers such as tsx or npm relay it again).
 */
const SAME_PRESS_MS = 300;

/** Calls `cancel` on the first interrupt and exits with 130 on the second. */
export function handleInterrupts(cancel: () => void, notice: (text: string) => void): Interrupts {
  let count = 0;
  let firstAt = 0;
  const interrupt = (): void => {
    if (count === 1 && Date.now() - firstAt < SAME_PRESS_MS) return;
    count += 1;
    if (count === 1) {
      firstAt = Date.now();
      notice("Cancelling the run… (press Ctrl-C again to quit at once)");
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

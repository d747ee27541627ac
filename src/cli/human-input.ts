/**
 * Asks the person at the terminal to answer a human input request (a task with
 * `human_input: true`). The prompt goes to stderr so `--jsonl` keeps stdout clean.
 */
import { createInterface } from "node:readline/promises";
import pc from "picocolors";
import { CrewError, ErrorCode } from "../events/index.js";

/** Options of {@link askHuman}. */
export interface AskHumanOptions {
  /** Aborting closes the prompt; the promise rejects with `cancelled`. */
  signal: AbortSignal;
  /** Called on Ctrl-C while the prompt has the terminal (readline takes the keypress). */
  onInterrupt: () => void;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}

/** True when a person can answer at this terminal. */
export function canAskHuman(
  input: NodeJS.ReadableStream & { isTTY?: boolean } = process.stdin,
): boolean {
  return input.isTTY === true;
}

/** Shows `prompt` and answers the line typed (empty means "accept as is"). */
export async function askHuman(prompt: string, options: AskHumanOptions): Promise<string> {
  const output = options.output ?? process.stderr;
  const colors = pc.createColors((output as NodeJS.WriteStream).isTTY === true);
  const rl = createInterface({ input: options.input ?? process.stdin, output, terminal: true });
  rl.on("SIGINT", options.onInterrupt);
  try {
    output.write(
      `\n${colors.yellow("?")} ${colors.bold("The crew asks for your input")}\n${prompt.trim()}\n`,
    );
    return await rl.question(colors.dim("Your answer (Enter to accept as is): "), {
      signal: options.signal,
    });
  } catch (error) {
    if (options.signal.aborted)
      throw new CrewError(ErrorCode.CANCELLED, "The run was cancelled.", { cause: error });
    throw error;
  } finally {
    rl.close();
  }
}

/**
 * What a crew program's output means: the result on stdout, and the error of a failed run.
 */
import { CrewError, ErrorCode } from "../events/index.js";
import type { ProcessExit } from "./crew-process.js";

/** Lines of stderr quoted in a failure's message. */
export const ERROR_TAIL_LINES = 20;
/** Longest quoted stderr line, in characters. */
const TAIL_LINE_LENGTH = 500;

/**
 * The run's result from the program's stdout: when it parses as JSON, its `result`,
 * `output` or `raw` string field (CrewAI's `CrewOutput.raw`), a JSON string's value, or the
 * JSON text itself; otherwise the trimmed text.
 */
export function resultFromStdout(stdout: string): string {
  const text = stdout.trim();
  if (text === "") return "";
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text;
  }
  if (typeof value === "string") return value;
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    for (const field of ["result", "output", "raw"]) {
      const candidate = record[field];
      if (typeof candidate === "string") return candidate;
    }
  }
  return text;
}

/** The error of a program that could not start, failed, or was killed by something else. */
export function processError(
  command: readonly string[],
  exit: ProcessExit,
  stderrTail: readonly string[],
): CrewError {
  const program = command[0] ?? "";
  if (exit.spawnError !== undefined) {
    const reason =
      exit.spawnError.code === "ENOENT"
        ? `command not found: "${program}". Install it or fix \`command:\` in the crew's crew.yaml`
        : `could not start "${program}": ${exit.spawnError.message}`;
    return new CrewError(ErrorCode.PROCESS_FAILED, `The crew process did not start (${reason}).`, {
      cause: exit.spawnError,
    });
  }
  const how =
    exit.signal !== null
      ? `was killed by signal ${exit.signal}`
      : `exited with code ${exit.code ?? "unknown"}`;
  const tail = stderrTail.map((line) =>
    line.length > TAIL_LINE_LENGTH ? `${line.slice(0, TAIL_LINE_LENGTH)}…` : line,
  );
  const quoted =
    tail.length === 0 ? " It wrote nothing on stderr." : ` Last stderr lines:\n${tail.join("\n")}`;
  return new CrewError(
    ErrorCode.PROCESS_FAILED,
    `The crew process (${command.join(" ")}) ${how}.${quoted}`,
  );
}

/**
 * The error of a program stopped for running past its time limit: crew.yaml's `timeout_ms`, or
 * the run's own `timeoutMs` when `byRun`.
 */
export function timeoutError(timeoutMs: number, byRun = false): CrewError {
  return new CrewError(
    ErrorCode.TIMEOUT,
    byRun
      ? `The crew process ran longer than the run's time limit of ${timeoutMs} ms (run timeout) and was stopped.`
      : `The crew process ran longer than its limit of ${timeoutMs} ms and was stopped. Raise \`timeout_ms\` in crew.yaml if it needs more time.`,
  );
}

/**
 * Exit codes of the `crewstream` commands and how errors map to them, so scripts can tell a
 * mistake in the command line (2) from a run that failed (1) or was cancelled (130).
 */
import pc from "picocolors";
import { ErrorCode, toCrewError } from "../events/index.js";

/** Exit codes. */
export const ExitCode = {
  OK: 0,
  /** The run failed, or something went wrong while running it. */
  FAILED: 1,
  /** The command was used wrongly: bad flags, bad crew, missing inputs, unknown run. */
  USAGE: 2,
  /** Cancelled by Ctrl-C (128 + SIGINT). */
  CANCELLED: 130,
} as const;

/** Error codes that mean "fix the command or the crew", answered with exit code 2. */
const USAGE_CODES: ReadonlySet<string> = new Set([
  ErrorCode.BAD_REQUEST,
  ErrorCode.INVALID_CREW,
  ErrorCode.MISSING_INPUT,
  ErrorCode.UNKNOWN_INPUT,
  ErrorCode.CREW_NOT_FOUND,
  ErrorCode.RUN_NOT_FOUND,
  ErrorCode.UNKNOWN_PROVIDER,
  ErrorCode.MISSING_API_KEY,
]);

/** The exit code for an error code. */
function exitCodeFor(code: string): number {
  if (code === ErrorCode.CANCELLED) return ExitCode.CANCELLED;
  return USAGE_CODES.has(code) ? ExitCode.USAGE : ExitCode.FAILED;
}

/**
 * Prints an error as `error [code]: message` on stderr and answers its exit code. Errors that
 * are not CrewErrors are bugs: their details go to stderr too, since the terminal is the log.
 */
export function reportError(
  error: unknown,
  stderr: NodeJS.WritableStream = process.stderr,
): number {
  const crewError = toCrewError(error);
  const colors = pc.createColors((stderr as NodeJS.WriteStream).isTTY === true);
  stderr.write(`${colors.red(`error [${crewError.code}]`)}: ${crewError.message}\n`);
  if (crewError.code === ErrorCode.INTERNAL && crewError.cause !== undefined) {
    const cause = crewError.cause;
    stderr.write(
      `${cause instanceof Error ? (cause.stack ?? cause.message) : JSON.stringify(cause)}\n`,
    );
  }
  return exitCodeFor(crewError.code);
}

/**
 * Problems found in a crew's YAML files, and the one error that reports all of them. Every
 * problem names the file, the key path and the line, so a user can go straight to it:
 * `tasks.yaml:14 (research_task.agent): unknown agent "reseacher"; known agents: researcher, writer`.
 */
import { CrewError, ErrorCode } from "../events/index.js";

/** One thing wrong (or, as a warning, ignored) in a crew's files. */
export interface CrewProblem {
  /** The file, relative to the crew's folder (`tasks.yaml`, `config/agents.yaml`). */
  file: string;
  /** 1-based line in the file, when the problem has a place. */
  line?: number;
  /** Dotted key path, e.g. `research_task.agent`. */
  path?: string;
  /** What is wrong and, where it helps, how to fix it. */
  message: string;
}

/** A key that was read but has no effect, reported rather than silently dropped. */
export type CrewWarning = CrewProblem;

/** `tasks.yaml:14 (research_task.agent): message`, leaving out the parts a problem lacks. */
export function formatProblem(problem: CrewProblem): string {
  const where = problem.line === undefined ? problem.file : `${problem.file}:${problem.line}`;
  const path = problem.path === undefined || problem.path === "" ? "" : ` (${problem.path})`;
  return `${where}${path}: ${problem.message}`;
}

/**
 * The `invalid_crew` error of a crew with problems. `problems` keeps them structured for
 * tools (an editor, the web UI); the message lists each on its own line for people.
 */
export class InvalidCrewError extends CrewError {
  readonly problems: readonly CrewProblem[];

  constructor(crew: string, problems: readonly CrewProblem[]) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    const lines = problems.map((problem) => `  ${formatProblem(problem)}`);
    super(ErrorCode.INVALID_CREW, [`Crew "${crew}" is invalid (${count}):`, ...lines].join("\n"));
    this.problems = problems;
  }
}

/** Levenshtein distance, for "did you mean" suggestions on misspelt keys and names. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The candidate closest to `word`, if it is close enough to be a likely typo. */
export function closestMatch(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = word.toLowerCase();
  for (const candidate of candidates) {
    const d = distance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const allowed = Math.max(2, Math.floor(word.length / 3));
  return bestDistance <= allowed ? best : undefined;
}

/** ` (did you mean "role"?)` or nothing, to append to a message. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const match = closestMatch(word, candidates);
  return match === undefined ? "" : ` (did you mean "${match}"?)`;
}

/** Human wording of a JSON value's type, for "must be a string, got a list" messages. */
export function describeType(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "number") return `the number ${value}`;
  if (typeof value === "boolean") return `${value}`;
  return `a ${typeof value}`;
}

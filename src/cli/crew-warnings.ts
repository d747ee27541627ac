/**
 * The warnings of a crew's files as the CLI prints them on stderr before a run:
 * `warning: tasks.yaml:7 research.memory: ignored: ...`, one per line, so nothing a ported
 * crew declares is dropped without a word.
 */
import type { CrewWarningInfo } from "../events/index.js";

/** One line per warning, with a headline; "" when there are none. */
export function formatCrewWarnings(crew: string, warnings: readonly CrewWarningInfo[]): string {
  if (warnings.length === 0) return "";
  const count = warnings.length === 1 ? "1 warning" : `${warnings.length} warnings`;
  const lines = warnings.map((warning) => {
    const where =
      warning.file === undefined
        ? ""
        : warning.line === undefined
          ? `${warning.file} `
          : `${warning.file}:${warning.line} `;
    const key = warning.key === "" ? "" : `${warning.key}: `;
    return `  warning: ${where}${key}${warning.message}`;
  });
  return [`Crew "${crew}" has ${count}:`, ...lines, ""].join("\n");
}

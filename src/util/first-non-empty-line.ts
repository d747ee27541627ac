/**
 * A multi-line text's first line with content, trimmed. CrewAI labels a task by its
 * description's first line this way (YAML block scalars often start with a blank line), so the
 * legacy progress line and the process bridge's matching of progress lines to tasks both use it.
 */
export function firstNonEmptyLine(text: string): string {
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed !== "") return trimmed;
  }
  return "";
}

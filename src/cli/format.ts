/**
 * Small text helpers shared by the terminal outputs: durations, token counts, one-line
 * excerpts and width fitting. They work on plain text; colours are added afterwards.
 */

/** `850ms`, `4.2s`, `1m 05s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "0.0s";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  return `${minutes}m ${String(seconds).padStart(2, "0")}s`;
}

/** `1,234 tok`, with `~` when the count is an estimate from streamed chunks. */
export function formatTokens(count: number, estimate = false): string {
  return `${estimate ? "~" : ""}${count.toLocaleString("en-US")} tok`;
}

/** The text on one line: whitespace runs (newlines included) become single spaces. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** Cuts `text` to `width` characters, ending with `…` when it was longer. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return "";
  const chars = Array.from(text);
  if (chars.length <= width) return text;
  return chars.slice(0, Math.max(width - 1, 0)).join("") + "…";
}

/** Pads or cuts `text` to exactly `width` characters. */
export function fit(text: string, width: number): string {
  const cut = truncate(text, width);
  return cut + " ".repeat(Math.max(width - Array.from(cut).length, 0));
}

/** Compact JSON of tool arguments for a single line. */
export function formatArgs(args: unknown): string {
  if (args === undefined) return "";
  try {
    return typeof args === "string" ? args : (JSON.stringify(args) ?? "");
  } catch {
    // Circular or BigInt arguments: say so rather than print "[object Object]".
    return "(arguments not serialisable)";
  }
}

/** Wraps one line at word boundaries to `width` columns; words longer than a line are split. */
export function wrapWords(line: string, width: number): string[] {
  const out: string[] = [];
  let current = "";
  for (const word of line.split(" ")) {
    let rest = Array.from(word);
    while (rest.length > width) {
      if (current !== "") out.push(current);
      out.push(rest.slice(0, width).join(""));
      current = "";
      rest = rest.slice(width);
    }
    const piece = rest.join("");
    if (current === "") current = piece;
    else if (Array.from(current).length + 1 + rest.length <= width) current += ` ${piece}`;
    else {
      out.push(current);
      current = piece;
    }
  }
  if (current !== "") out.push(current);
  return out;
}

/**
 * The last `maxLines` lines of `text` wrapped at `width`: the visible end of a streaming
 * answer. Empty lines are dropped so the tail stays dense.
 */
export function tailLines(text: string, width: number, maxLines: number): string[] {
  if (width <= 0 || maxLines <= 0) return [];
  const wrapped: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+/g, " ").trim();
    if (line !== "") wrapped.push(...wrapWords(line, width));
  }
  return wrapped.slice(-maxLines);
}

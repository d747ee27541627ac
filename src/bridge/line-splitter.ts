/**
 * Splits a byte stream (a child process's stderr) into text lines.
 *
 * Contract: bytes are decoded as UTF-8 with replacement (an invalid sequence becomes U+FFFD,
 * a sequence split across chunks is joined first); `\n` and `\r\n` both end a line; a line
 * longer than `maxLineLength` characters is cut there and ends with {@link TRUNCATION_MARKER}
 * and the number of characters dropped; a last line without a newline is still a line. The
 * splitter never throws on its input and holds at most `maxLineLength` characters of it.
 */

/** Default longest line kept, in characters (UTF-16 code units). */
export const DEFAULT_MAX_LINE_LENGTH = 64 * 1024;

/** Appended to a cut line, followed by the count of dropped characters and `]`. */
export const TRUNCATION_MARKER = " …[truncated ";

/** Options of {@link LineSplitter}. */
export interface LineSplitterOptions {
  /** Longest line kept, in characters; the rest of a longer line is dropped. */
  maxLineLength?: number;
}

/** Incremental UTF-8 line splitter: push chunks, take the complete lines each push yields. */
export class LineSplitter {
  readonly #decoder = new TextDecoder("utf-8", { fatal: false });
  readonly #max: number;
  #current = "";
  #dropped = 0;
  #pendingCr = false;

  constructor(options: LineSplitterOptions = {}) {
    this.#max = Math.max(1, options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH);
  }

  /** Feeds a chunk; answers the lines it completed, without their line endings. */
  push(chunk: Uint8Array | string): string[] {
    const text = typeof chunk === "string" ? chunk : this.#decoder.decode(chunk, { stream: true });
    return this.#scan(text);
  }

  /** Ends the input; answers the last line if it had no newline. */
  end(): string[] {
    const lines = this.#scan(this.#decoder.decode());
    if (this.#current !== "" || this.#dropped > 0 || this.#pendingCr) {
      if (this.#pendingCr) this.#append("\r");
      this.#pendingCr = false;
      lines.push(this.#take());
    }
    return lines;
  }

  #scan(text: string): string[] {
    const lines: string[] = [];
    let start = 0;
    for (;;) {
      const newline = text.indexOf("\n", start);
      const piece = newline === -1 ? text.slice(start) : text.slice(start, newline);
      if (newline === -1) {
        if (piece === "") break;
        // A `\r` at the very end may be the first half of a `\r\n` split across chunks.
        if (this.#pendingCr) this.#append("\r");
        this.#pendingCr = piece.endsWith("\r");
        this.#append(this.#pendingCr ? piece.slice(0, -1) : piece);
        break;
      }
      if (this.#pendingCr && piece !== "") this.#append("\r");
      this.#pendingCr = false;
      this.#append(piece.endsWith("\r") ? piece.slice(0, -1) : piece);
      lines.push(this.#take());
      start = newline + 1;
    }
    return lines;
  }

  #append(piece: string): void {
    const room = this.#max - this.#current.length;
    if (piece.length <= room) {
      this.#current += piece;
      return;
    }
    this.#current += piece.slice(0, room);
    this.#dropped += piece.length - room;
  }

  #take(): string {
    const line =
      this.#dropped > 0
        ? `${this.#current}${TRUNCATION_MARKER}${this.#dropped} chars]`
        : this.#current;
    this.#current = "";
    this.#dropped = 0;
    return line;
  }
}

/**
 * Reads a byte stream as lines, pulling from the source only as fast as lines are consumed
 * (a Node readable's async iterator pauses the stream between pulls).
 */
export async function* readLines(
  source: AsyncIterable<Uint8Array | string>,
  options: LineSplitterOptions = {},
): AsyncGenerator<string> {
  const splitter = new LineSplitter(options);
  for await (const chunk of source) yield* splitter.push(chunk);
  yield* splitter.end();
}

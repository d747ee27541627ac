/**
 * One running crew program: spawned without a shell, fed its inputs as the first line on
 * stdin (which stays open for answers to its input requests, one line each), read line by
 * line on stderr (pull-based: an unread line pauses the pipe) and in full on stdout, stopped
 * with SIGTERM then SIGKILL.
 */
import { spawn } from "node:child_process";
import type { ChildProcessByStdio } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { readLines } from "./line-splitter.js";

/** How the program ended. */
export interface ProcessExit {
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  /** The signal that ended it, if any. */
  signal: NodeJS.Signals | null;
  /** Set when the program could not be started (e.g. `ENOENT`: no such command). */
  spawnError?: NodeJS.ErrnoException;
  /** Everything it wrote on stdout, decoded as UTF-8 with replacement, cut at `maxStdoutLength`. */
  stdout: string;
}

/** Options of {@link CrewProcess}. */
export interface CrewProcessOptions {
  command: readonly string[];
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The first line written to stdin (a newline is added); stdin stays open until the program ends. */
  stdin: string;
  /** Time between SIGTERM and SIGKILL when stopping. */
  killGraceMs: number;
  /** Longest stderr line kept, in characters. */
  maxLineLength: number;
  /** Most stdout characters kept. */
  maxStdoutLength: number;
  /** Problems of the pipes themselves (not the program's output), reported as diagnostics. */
  onPipeError: (message: string) => void;
}

/**
 * After the program exits, how long its pipes may stay open (held by a child it left behind)
 * before they are closed so the run can end.
 */
const PIPE_DRAIN_MS = 1000;

/** A spawned crew program. */
export class CrewProcess {
  /** Resolves once, when the program has ended and its pipes are drained. */
  readonly exited: Promise<ProcessExit>;
  readonly #child: ChildProcessByStdio<Writable, Readable, Readable>;
  readonly #killGraceMs: number;
  #killTimer: NodeJS.Timeout | undefined;
  #ended = false;

  constructor(private readonly options: CrewProcessOptions) {
    this.#killGraceMs = options.killGraceMs;
    const [program, ...fixedArgs] = options.command;
    this.#child = spawn(program ?? "", [...fixedArgs, ...options.args], {
      cwd: options.cwd,
      env: options.env,
      shell: false,
      stdio: ["pipe", "pipe", "pipe"],
      windowsHide: true,
    });
    this.exited = this.#watch();
    this.#child.stdin.on("error", (error: NodeJS.ErrnoException) => {
      // A program is free not to read its inputs from stdin and to exit before we wrote them.
      if (error.code !== "EPIPE" && error.code !== "ECONNRESET")
        options.onPipeError(`stdin: ${error.message}`);
    });
    this.#child.stdin.write(`${options.stdin}\n`);
  }

  /**
   * Writes one line to the program's stdin. Answers false when stdin is closed (the program
   * ended or closed it), so the line cannot arrive.
   */
  send(line: string): boolean {
    const stdin = this.#child.stdin;
    if (this.#ended || stdin.destroyed || stdin.writableEnded) return false;
    stdin.write(`${line}\n`);
    return true;
  }

  /** The program's pid, undefined when it could not be started. */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** The program's stderr as lines; ends when stderr closes. */
  stderrLines(): AsyncGenerator<string> {
    return readLines(endOnDestroy(this.#child.stderr), {
      maxLineLength: this.options.maxLineLength,
    });
  }

  /** Asks the program to stop (SIGTERM) and kills it (SIGKILL) if it is still there after the grace time. */
  stop(): void {
    if (this.#ended || this.#child.pid === undefined || this.#killTimer !== undefined) return;
    this.#child.stdin.end();
    this.#child.kill("SIGTERM");
    this.#killTimer = setTimeout(() => {
      if (!this.#ended) this.#child.kill("SIGKILL");
    }, this.#killGraceMs);
  }

  #watch(): Promise<ProcessExit> {
    const child = this.#child;
    const chunks: string[] = [];
    let stdoutLength = 0;
    const decoder = new TextDecoder("utf-8", { fatal: false });
    child.stdout.on("data", (chunk: Buffer) => {
      if (stdoutLength >= this.options.maxStdoutLength) return;
      const text = decoder
        .decode(chunk, { stream: true })
        .slice(0, this.options.maxStdoutLength - stdoutLength);
      stdoutLength += text.length;
      chunks.push(text);
    });
    child.stdout.on("error", (error) => this.options.onPipeError(`stdout: ${error.message}`));
    return new Promise<ProcessExit>((resolve) => {
      const finish = (exit: Omit<ProcessExit, "stdout">): void => {
        if (this.#ended) return;
        this.#ended = true;
        clearTimeout(this.#killTimer);
        child.stdin.destroy();
        if (stdoutLength < this.options.maxStdoutLength) chunks.push(decoder.decode());
        resolve({ ...exit, stdout: chunks.join("") });
      };
      child.once("error", (error: NodeJS.ErrnoException) => {
        if (child.pid === undefined) finish({ code: null, signal: null, spawnError: error });
        else this.options.onPipeError(`process: ${error.message}`);
      });
      child.once("close", (code, signal) => finish({ code, signal }));
      child.once("exit", (code, signal) => {
        // 'close' waits for the pipes too; a grandchild holding them must not hold the run.
        setTimeout(() => {
          child.stdout.destroy();
          child.stderr.destroy();
          finish({ code, signal });
        }, PIPE_DRAIN_MS).unref();
      });
    });
  }
}

/** Iterates a readable and ends quietly when it is destroyed before its end. */
async function* endOnDestroy(stream: Readable): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ERR_STREAM_PREMATURE_CLOSE") throw error;
  }
}

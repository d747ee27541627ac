/**
 * The human-input requests of one process crew run: each `input.request` the program writes
 * is handed to the run's input handler, and the answers come back here in the order they
 * arrive, to be written to the program's stdin. The stream loop waits on `ready` alongside
 * the program's next stderr line, so the program's output keeps flowing while a human thinks.
 */
import type { InputHandler } from "../crew/index.js";
import type { EventOf } from "../events/index.js";

/** An answered request, or the handler's failure (e.g. the run was cancelled while it waited). */
export type InputAnswer =
  | { request: EventOf<"input.request">; text: string }
  | { request: EventOf<"input.request">; error: unknown };

/** The open and answered input requests of one run. */
export class InputAnswers {
  readonly #answered: InputAnswer[] = [];
  readonly #abort = new AbortController();
  #wake: (() => void) | undefined;
  #ready: Promise<void>;

  constructor(private readonly handler: InputHandler) {
    this.#ready = this.#next();
  }

  /** Resolves when at least one answer (or failure) is waiting in {@link take}. */
  get ready(): Promise<void> {
    return this.#ready;
  }

  /** Asks the handler; its answer arrives through {@link ready} / {@link take}. */
  ask(request: EventOf<"input.request">): void {
    const settle = (answer: InputAnswer): void => {
      this.#answered.push(answer);
      this.#wake?.();
    };
    const asked = {
      requestId: request.requestId,
      prompt: request.prompt,
      task: request.task ?? "",
      ...(request.agent === undefined ? {} : { agent: request.agent }),
    };
    this.handler(asked, this.#abort.signal).then(
      (text) => settle({ request, text }),
      (error: unknown) => settle({ request, error }),
    );
  }

  /** The answers that arrived since the last call, oldest first. */
  take(): InputAnswer[] {
    const answers = this.#answered.splice(0);
    this.#ready = this.#answered.length > 0 ? Promise.resolve() : this.#next();
    return answers;
  }

  /** Stops waiting for answers: the run is over. */
  close(): void {
    this.#abort.abort();
  }

  #next(): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve;
    });
  }
}

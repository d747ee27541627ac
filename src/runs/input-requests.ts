/**
 * The human-input requests of one run: which are open (seen as `input.request`, not answered),
 * and the bridge between `RunManager.answer` and the crew's `onInputRequest` handler.
 *
 * An answer may arrive before the crew has called its handler (watchers see the request as
 * soon as it is durable); it is kept and handed over when the handler asks.
 */
import { CrewError, ErrorCode, type CrewEvent } from "../events/index.js";

/** Open input requests of one run. */
export class InputRequests {
  readonly #open = new Set<string>();
  readonly #waiting = new Map<string, (text: string) => void>();
  readonly #early = new Map<string, string>();

  constructor(private readonly runId: string) {}

  /** Follows the run's events: `input.request` opens a request, `input.response` closes it. */
  track(event: CrewEvent): void {
    if (event.type === "input.request") this.#open.add(event.requestId);
    if (event.type === "input.response") this.#open.delete(event.requestId);
  }

  /** Answers an open request once; throws conflict if `requestId` is not open. */
  answer(requestId: string, text: string): void {
    if (!this.#open.delete(requestId)) {
      throw new CrewError(
        ErrorCode.CONFLICT,
        `Run ${this.runId} is not waiting for input "${requestId}".`,
      );
    }
    const resolve = this.#waiting.get(requestId);
    if (resolve) {
      this.#waiting.delete(requestId);
      resolve(text);
    } else {
      this.#early.set(requestId, text);
    }
  }

  /** The crew's side: resolves with the answer, rejects with `cancelled` when `signal` aborts. */
  wait(requestId: string, signal: AbortSignal): Promise<string> {
    const early = this.#early.get(requestId);
    if (early !== undefined) {
      this.#early.delete(requestId);
      return Promise.resolve(early);
    }
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.#waiting.delete(requestId);
        reject(
          new CrewError(ErrorCode.CANCELLED, "The run was cancelled while waiting for input."),
        );
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      this.#waiting.set(requestId, (text) => {
        signal.removeEventListener("abort", onAbort);
        resolve(text);
      });
    });
  }
}

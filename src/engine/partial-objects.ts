/**
 * The partial objects of a task with an output schema: the JSON text streamed so far is
 * parsed leniently and emitted as `object.delta`, at most once per interval per task, so a
 * large object costs a handful of events rather than one per token. The first partial goes
 * out with the first token that parses, so structure shows as early as text would.
 */
import { parsePartialJson } from "ai";

/** Default minimum time between two `object.delta` events of one task. */
const OBJECT_DELTA_INTERVAL_MS = 50;

/** Throttled partial objects of one task (shared by its attempts). */
export class PartialObjects {
  #text = "";
  #lastAt = Number.NEGATIVE_INFINITY;
  #lastJson = "";

  constructor(
    private readonly emit: (partial: unknown) => Promise<void>,
    private readonly intervalMs = OBJECT_DELTA_INTERVAL_MS,
  ) {}

  /** Starts a new answer (a new model step or attempt); the throttle keeps its clock. */
  restart(): void {
    this.#text = "";
    this.#lastJson = "";
  }

  /** Adds streamed text; emits the partial value when the interval has passed and it changed. */
  async push(delta: string): Promise<void> {
    this.#text += delta;
    const now = performance.now();
    if (now - this.#lastAt < this.intervalMs) return;
    const { value, state } = await parsePartialJson(this.#text);
    if (value === undefined || state === "failed-parse" || state === "undefined-input") return;
    if (typeof value !== "object" || value === null) return;
    const json = JSON.stringify(value);
    if (json === this.#lastJson) return;
    this.#lastAt = now;
    this.#lastJson = json;
    await this.emit(value);
  }
}

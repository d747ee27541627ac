/**
 * The JSON of a batch's events, made once for every writer of the batch. A run's writer hands
 * the same batch array to the store (SQLite keeps each event's JSON) and then to every live
 * watcher (SSE and JSONL send it), so the texts the store made are kept beside the batch for as
 * long as the batch lives, and the wire encoders take them from there.
 *
 * Kept per batch, not per event: a weak map entry costs about as much as serialising a small
 * event, so one entry per event would cost the store what it saves the encoders.
 *
 * Events and batches are never changed once handed out (nothing in crewstream does); one changed
 * afterwards would keep its old text here.
 */
import type { CrewEvent } from "./protocol.js";

const texts = new WeakMap<readonly CrewEvent[], readonly string[]>();

/** `JSON.stringify` of each event of `batch`, computed once per batch array. */
export function batchJson(batch: readonly CrewEvent[]): readonly string[] {
  let json = texts.get(batch);
  if (json === undefined) {
    json = batch.map((event) => JSON.stringify(event));
    texts.set(batch, json);
  }
  return json;
}

/** The texts {@link batchJson} made for `batch`, if it was asked for them already. */
export function madeBatchJson(batch: readonly CrewEvent[]): readonly string[] | undefined {
  return texts.get(batch);
}

/**
 * Gives `joined` (the events of `parts`, in order) the texts {@link batchJson} made for the
 * parts, when it made them for every part, so a copy or a join of batches is not serialised
 * again.
 */
export function joinBatchJson(
  joined: readonly CrewEvent[],
  parts: ReadonlyArray<readonly CrewEvent[]>,
): void {
  const json: string[] = [];
  for (const part of parts) {
    const made = texts.get(part);
    if (made === undefined) return;
    for (const text of made) json.push(text);
  }
  if (json.length === joined.length) texts.set(joined, json);
}

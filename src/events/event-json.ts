/**
 * One JSON text per event, however many places write it. An event is stored (SQLite keeps its
 * JSON) and sent to every watcher (SSE, JSONL) as the same text, so it is serialised once and the
 * text is kept beside the event object for as long as the object lives.
 *
 * Events are never changed once stamped (nothing in crewstream does); one changed after it was
 * first written would keep its old text here.
 */
import type { CrewEvent } from "./protocol.js";

const texts = new WeakMap<CrewEvent, string>();

/** `JSON.stringify(event)`, computed once per event object. */
export function eventJson(event: CrewEvent): string {
  let text = texts.get(event);
  if (text === undefined) {
    text = JSON.stringify(event);
    texts.set(event, text);
  }
  return text;
}

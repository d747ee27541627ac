/**
 * How the SQLite store keeps an event's JSON in the `data` column. The envelope every event
 * starts with, `{"v":1,"runId":"<id>","seq":<seq>,`, repeats what the row's key already says,
 * so it is left out: a row holds the rest of the JSON (starting with `"`), and reading puts the
 * envelope back, giving the very JSON that was written. An event whose JSON does not start
 * with that envelope (and rows written before this format) is kept whole (starting with `{`).
 */
import type { CrewEvent } from "../events/index.js";

/** The start of the JSON envelope of run `runId`'s events, up to the `seq` value. */
export function envelopeOf(runId: string): string {
  return `{"v":1,"runId":${JSON.stringify(runId)},"seq":`;
}

/**
 * What the `data` column holds for `event`, whose JSON is `json`; `envelope` is
 * {@link envelopeOf} its run.
 */
export function toEventData(envelope: string, event: CrewEvent, json: string): string {
  // Compared in place rather than against a built `${envelope}${seq},`: this runs per event.
  if (!json.startsWith(envelope)) return json;
  const seq = String(event.seq);
  const end = envelope.length + seq.length;
  return json.startsWith(seq, envelope.length) && json.charCodeAt(end) === 44 /* , */
    ? json.slice(end + 1)
    : json;
}

/** The event a `data` column holds, for the row of `seq`; `envelope` is {@link envelopeOf} its run. */
export function fromEventData(envelope: string, seq: number, data: string): CrewEvent {
  return JSON.parse(data.startsWith("{") ? data : `${envelope}${seq},${data}`) as CrewEvent;
}

/**
 * Shares parsed events between everyone reading one run's log.
 *
 * A thousand watchers joining a long live run (or resuming after being dropped as slow) would
 * each read, parse and then encode their own copy of every event: work that grows with
 * watchers times events, done in synchronous SQLite reads that starve the event loop (new
 * connections wait for seconds, the run itself slows). A run's durable events never change, so
 * reads are served from pages aligned to {@link PAGE_EVENTS} seqs, kept while full: every
 * reader gets the same event objects (which transports encode once, by object) and, reading
 * from an aligned cursor, the same frozen page array (encoded once as a whole).
 *
 * The last, partial page of a live run is where every joining watcher ends its catch-up, so it
 * is kept too: a later read loads only what was appended since and hands out one new frozen
 * array for the grown page (the old one stays valid for whoever holds it). A thousand
 * watchers reaching the tail then share its events instead of each parsing and encoding up to
 * a page of its own.
 *
 * Contract: {@link EventPageCache.read} returns what `load(after, limit)` would, for a gapless
 * append-only log. A page that is not gapless is never kept, and the read falls back to `load`.
 */
import type { CrewEvent } from "../events/index.js";

/** Events per cached page; the replay readers read pages of this size too. */
export const PAGE_EVENTS = 500;

/** Loads events of a run with `seq > after`, at most `limit`. */
export type LoadEvents = (after: number, limit: number) => CrewEvent[];

/** An LRU of full, aligned pages of events, across runs. */
export class EventPageCache {
  readonly #pages = new Map<string, readonly CrewEvent[]>();

  /** @param maxPages pages kept in all (default 64: 32,000 events). */
  constructor(readonly maxPages = 64) {}

  /** Events of `runId` with `seq > after`, at most `limit` (all with a negative limit). */
  read(runId: string, after: number, limit: number, load: LoadEvents): CrewEvent[] {
    const wanted = limit < 0 ? Number.POSITIVE_INFINITY : limit;
    const out: CrewEvent[] = [];
    let cursor = after;
    while (out.length < wanted) {
      const start = cursor - (cursor % PAGE_EVENTS);
      const page = this.#page(runId, start, load);
      const from = cursor - start;
      if (page.length <= from) break;
      if (page[from]!.seq !== cursor + 1) return load(after, limit);
      const count = Math.min(page.length - from, wanted - out.length);
      // The whole page is the whole answer (all that was asked, or all there is): hand out
      // the shared array itself.
      const whole = count === wanted || page.length < PAGE_EVENTS;
      if (out.length === 0 && from === 0 && count === page.length && whole)
        return page as CrewEvent[];
      for (let i = from; i < from + count; i++) out.push(page[i]!);
      cursor = out[out.length - 1]!.seq;
      if (page.length < PAGE_EVENTS) break;
    }
    return out;
  }

  /** Forgets every page of `runId` (its events were deleted). */
  forget(runId: string): void {
    for (const key of this.#pages.keys()) if (key.startsWith(`${runId}:`)) this.#pages.delete(key);
  }

  #page(runId: string, start: number, load: LoadEvents): readonly CrewEvent[] {
    const key = `${runId}:${start}`;
    const kept = this.#pages.get(key);
    if (kept !== undefined) {
      this.#pages.delete(key);
      if (kept.length === PAGE_EVENTS) {
        this.#pages.set(key, kept);
        return kept;
      }
      // The live tail: read only what was appended since.
      const more = load(start + kept.length, PAGE_EVENTS - kept.length);
      if (more.length === 0) {
        this.#pages.set(key, kept);
        return kept;
      }
      if (!gaplessFrom(more, start + kept.length)) return Object.freeze(load(start, PAGE_EVENTS));
      const grown = Object.freeze([...kept, ...more]);
      this.#pages.set(key, grown);
      return grown;
    }
    const page = Object.freeze(load(start, PAGE_EVENTS));
    if (page.length > 0 && gaplessFrom(page, start)) {
      this.#pages.set(key, page);
      while (this.#pages.size > this.maxPages)
        this.#pages.delete(this.#pages.keys().next().value as string);
    }
    return page;
  }
}

/** True when `events` are seqs `after + 1`, `after + 2`, ... without a gap. */
function gaplessFrom(events: readonly CrewEvent[], after: number): boolean {
  return events.every((event, i) => event.seq === after + 1 + i);
}

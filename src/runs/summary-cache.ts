/**
 * Run summaries for `get`, folded from the stored log and kept, so polling a run reads only the
 * events stored since the last poll, and a finished run is read once. Bounded: the least
 * recently used summaries are dropped first.
 */
import { SummaryBuilder, type RunSummary } from "../events/index.js";
import type { RunRecord, RunStore } from "../store/index.js";
import { replayEvents } from "./replay-events.js";
import type { RunDetails } from "./run-service.js";

/** Runs whose summaries are kept (default). */
const SUMMARY_CACHE_SIZE = 256;

interface Entry {
  /** Seq of the last event folded into `builder`. */
  lastSeq: number;
  builder: SummaryBuilder;
  summary: RunSummary | undefined;
  /** The fold in progress: folds of one run take turns, so no event is folded twice. */
  folding: Promise<void>;
}

/** See the file comment. */
export class SummaryCache {
  readonly #entries = new Map<string, Entry>();

  constructor(
    private readonly store: RunStore,
    private readonly size = SUMMARY_CACHE_SIZE,
  ) {}

  /** `record` with its summary; reads only the events past what was folded before. */
  async details(record: RunRecord): Promise<RunDetails> {
    const entry = this.#entries.get(record.id) ?? {
      lastSeq: 0,
      builder: new SummaryBuilder(),
      summary: undefined,
      folding: Promise.resolve(),
    };
    // Re-insert, so the Map's order is least recently used first.
    this.#entries.delete(record.id);
    this.#entries.set(record.id, entry);
    while (this.#entries.size > this.size)
      this.#entries.delete(this.#entries.keys().next().value as string);
    const fold = entry.folding.then(() => this.#fold(record, entry));
    entry.folding = fold.catch(() => undefined);
    await fold;
    return { ...record, summary: entry.summary! };
  }

  async #fold(record: RunRecord, entry: Entry): Promise<void> {
    if (entry.summary && entry.lastSeq >= record.lastSeq) return;
    // Page by page: a long run is summarised without holding its whole log.
    for await (const batch of replayEvents(this.store, record.id, entry.lastSeq)) {
      entry.builder.addAll(batch);
      entry.lastSeq = batch[batch.length - 1]!.seq;
    }
    entry.summary = entry.builder.snapshot();
  }
}

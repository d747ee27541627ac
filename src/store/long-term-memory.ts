/**
 * Long-term memory of crews (crew.yaml `memory: true`): what each task achieved, kept across
 * runs and recalled by relevance. The search is the store's: SQLite full-text search (FTS5) in
 * the embedded store, no embedding model needed; another store may search as it likes.
 */
import type { Inputs } from "../events/index.js";

/** One remembered task outcome. */
export interface MemoryStoreEntry {
  id: string;
  crew: string;
  task: string;
  agent: string;
  summary: string;
  inputs: Inputs;
  /** ISO-8601. */
  createdAt: string;
  /** What a prompt is given: task, agent and summary in one line. */
  text: string;
}

/** What is saved for a task's outcome: the rest of an entry is the store's. */
export type NewMemory = Pick<MemoryStoreEntry, "task" | "agent" | "summary" | "inputs">;

/** Where crews' long-term memories live. */
export interface LongTermMemoryStore {
  /** Saves a task's outcome for `crew`. */
  save(crew: string, record: NewMemory): Promise<MemoryStoreEntry>;
  /** `crew`'s entries most relevant to `query`, most relevant first, at most `limit`. */
  search(crew: string, query: string, limit: number): Promise<MemoryStoreEntry[]>;
  /** Every entry (of `crew`, when given), oldest first. */
  list(crew?: string): Promise<MemoryStoreEntry[]>;
  /** Forgets every entry (of `crew`, when given); answers how many. */
  reset(crew?: string): Promise<number>;
}

/** The text of an entry, as prompts and events show it. */
export function memoryText(record: NewMemory): string {
  return `${record.task} (${record.agent}): ${record.summary}`;
}

/** The words of `text` worth searching for, as an FTS5 query matching any of them. */
export function ftsQuery(text: string): string {
  const words = new Set(
    (text.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? []).filter((word) => !STOP_WORDS.has(word)),
  );
  return [...words]
    .slice(0, 32)
    .map((word) => `"${word}"`)
    .join(" OR ");
}

const STOP_WORDS = new Set([
  "the",
  "and",
  "for",
  "with",
  "that",
  "this",
  "are",
  "from",
  "your",
  "about",
  "into",
  "make",
  "sure",
  "any",
  "all",
]);

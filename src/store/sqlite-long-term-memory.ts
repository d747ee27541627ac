/** {@link LongTermMemoryStore} in the embedded SQLite file: an FTS5 table ranked by bm25. */
import type { Database, Statement } from "better-sqlite3";
import type { Inputs } from "../events/index.js";
import {
  ftsQuery,
  memoryText,
  type LongTermMemoryStore,
  type MemoryStoreEntry,
  type NewMemory,
} from "./long-term-memory.js";

interface MemoryRow {
  id: number;
  text: string;
  crew: string;
  task: string;
  agent: string;
  summary: string;
  inputs: string;
  created_at: string;
}

const COLUMNS = "rowid AS id, text, crew, task, agent, summary, inputs, created_at";

function toEntry(row: MemoryRow): MemoryStoreEntry {
  return {
    id: String(row.id),
    crew: row.crew,
    task: row.task,
    agent: row.agent,
    summary: row.summary,
    inputs: JSON.parse(row.inputs) as Inputs,
    createdAt: row.created_at,
    text: row.text,
  };
}

/** Long-term memory in the `memories` FTS5 table of a SQLite store's file. */
export class SqliteLongTermMemory implements LongTermMemoryStore {
  readonly #insert: Statement;
  readonly #search: Statement;
  readonly #listAll: Statement;
  readonly #listCrew: Statement;
  readonly #resetAll: Statement;
  readonly #resetCrew: Statement;

  constructor(db: Database) {
    this.#insert = db.prepare(
      `INSERT INTO memories (text, crew, task, agent, summary, inputs, created_at)
       VALUES (@text, @crew, @task, @agent, @summary, @inputs, @created_at)`,
    );
    this.#search = db.prepare(
      `SELECT ${COLUMNS} FROM memories WHERE memories MATCH @query AND crew = @crew
       ORDER BY bm25(memories) LIMIT @limit`,
    );
    this.#listAll = db.prepare(`SELECT ${COLUMNS} FROM memories ORDER BY rowid`);
    this.#listCrew = db.prepare(`SELECT ${COLUMNS} FROM memories WHERE crew = ? ORDER BY rowid`);
    this.#resetAll = db.prepare(`DELETE FROM memories`);
    this.#resetCrew = db.prepare(`DELETE FROM memories WHERE crew = ?`);
  }

  async save(crew: string, record: NewMemory): Promise<MemoryStoreEntry> {
    const row = {
      text: memoryText(record),
      crew,
      task: record.task,
      agent: record.agent,
      summary: record.summary,
      inputs: JSON.stringify(record.inputs),
      created_at: new Date().toISOString(),
    };
    const info = this.#insert.run(row);
    return toEntry({ ...row, id: Number(info.lastInsertRowid) });
  }

  async search(crew: string, query: string, limit: number): Promise<MemoryStoreEntry[]> {
    const match = ftsQuery(query);
    if (match === "") return [];
    return (this.#search.all({ query: match, crew, limit }) as MemoryRow[]).map(toEntry);
  }

  async list(crew?: string): Promise<MemoryStoreEntry[]> {
    const rows = crew === undefined ? this.#listAll.all() : this.#listCrew.all(crew);
    return (rows as MemoryRow[]).map(toEntry);
  }

  async reset(crew?: string): Promise<number> {
    return (crew === undefined ? this.#resetAll.run() : this.#resetCrew.run(crew)).changes;
  }
}

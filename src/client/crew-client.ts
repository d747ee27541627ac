/**
 * One object holding the server's address and token, with every client call as a method.
 *
 * ```ts
 * const client = new CrewClient({ baseUrl: "http://127.0.0.1:3000" });
 * const run = await client.streamRun({ inputs: { topic: "solar sails" } });
 * for await (const event of run) console.log(event.type);
 * ```
 */
import type {
  CrewEvent,
  CrewListing,
  ListRunsQuery,
  RunDetails,
  RunPage,
  RunStarted,
  StartRunBody,
  BatchStarted,
  BatchStatusBody,
  ListThreadsQuery,
  ThreadDeleted,
  ThreadDetails,
  ThreadPage,
  ThreadRecord,
} from "../events/index.js";
import { CrewSocket } from "./crew-socket.js";
import type { CrewSocketOptions } from "./crew-socket.js";
import type { ConnectionOptions } from "./http.js";
import * as api from "./runs-api.js";
import * as threads from "./threads-api.js";
import { streamRun } from "./stream-run.js";
import type { RunStream, StreamRunOptions } from "./stream-run.js";
import { subscribe } from "./subscribe.js";
import type { SubscribeOptions } from "./subscribe.js";

/** Per-call options: an abort signal. */
export interface CallSignal {
  signal?: AbortSignal;
}

/** A crewstream server client (browser and Node). */
export class CrewClient {
  readonly #connection: ConnectionOptions;

  constructor(connection: ConnectionOptions = {}) {
    this.#connection = { ...connection };
  }

  /** The server's base URL ("" for same origin). */
  get baseUrl(): string {
    return this.#connection.baseUrl ?? "";
  }

  /** Starts a run and streams its events, resuming after network errors. */
  streamRun(options: Omit<StreamRunOptions, keyof ConnectionOptions>): Promise<RunStream> {
    return streamRun({ ...this.#connection, ...options });
  }

  /** A run's events after `options.after`, live until `run.end`, resuming after network errors. */
  subscribe(
    runId: string,
    options: Omit<SubscribeOptions, keyof ConnectionOptions> = {},
  ): AsyncGenerator<CrewEvent> {
    return subscribe(runId, { ...this.#connection, ...options });
  }

  /** Starts a run in the background; answers its id and status. */
  startRun(request: StartRunBody, options: CallSignal = {}): Promise<RunStarted> {
    return api.startRun(request, { ...this.#connection, ...options });
  }

  /** Starts one run per inputs item (a batch); answers the batch id and the run ids. */
  startBatch(
    request: Parameters<typeof api.startBatch>[0],
    options: CallSignal = {},
  ): Promise<BatchStarted> {
    return api.startBatch(request, { ...this.#connection, ...options });
  }

  /** The runs of a batch and their status. */
  getBatch(batchId: string, options: CallSignal = {}): Promise<BatchStatusBody> {
    return api.getBatch(batchId, { ...this.#connection, ...options });
  }

  /** Cancels a run on the server (it ends with `run.end` status cancelled). */
  cancel(runId: string, options: CallSignal = {}): Promise<void> {
    return api.cancel(runId, { ...this.#connection, ...options });
  }

  /** Answers a run's `input.request`. */
  answer(runId: string, requestId: string, text: string, options: CallSignal = {}): Promise<void> {
    return api.answer(runId, requestId, text, { ...this.#connection, ...options });
  }

  /** A run's status, result and summary. */
  getRun(runId: string, options: CallSignal = {}): Promise<RunDetails> {
    return api.getRun(runId, { ...this.#connection, ...options });
  }

  /** Recent runs, newest first. */
  listRuns(query: ListRunsQuery = {}, options: CallSignal = {}): Promise<RunPage> {
    return api.listRuns(query, { ...this.#connection, ...options });
  }

  /** Threads (conversations), most recently active first. */
  listThreads(query: ListThreadsQuery = {}, options: CallSignal = {}): Promise<ThreadPage> {
    return threads.listThreads(query, { ...this.#connection, ...options });
  }

  /** A thread with its runs, oldest first. */
  getThread(id: string, options: CallSignal = {}): Promise<ThreadDetails> {
    return threads.getThread(id, { ...this.#connection, ...options });
  }

  /** Renames a thread. */
  renameThread(id: string, title: string, options: CallSignal = {}): Promise<ThreadRecord> {
    return threads.renameThread(id, title, { ...this.#connection, ...options });
  }

  /** Deletes a thread with its runs and their events. */
  deleteThread(id: string, options: CallSignal = {}): Promise<ThreadDeleted> {
    return threads.deleteThread(id, { ...this.#connection, ...options });
  }

  /** The crews the server can run. */
  listCrews(options: CallSignal = {}): Promise<CrewListing[]> {
    return api.listCrews({ ...this.#connection, ...options });
  }

  /** Opens a WebSocket to the server. */
  socket(options: Omit<CrewSocketOptions, keyof ConnectionOptions> = {}): Promise<CrewSocket> {
    const { fetch: _fetch, ...connection } = this.#connection;
    return CrewSocket.connect({ ...connection, ...options });
  }
}

/**
 * One WebSocket connection: parses client messages, starts, watches, cancels and answers runs,
 * and sends their events with backpressure. A socket watches several runs at once.
 */
import type { ClientMessage, CrewEvent, ServerMessage } from "../events/index.js";
import {
  CrewError,
  ErrorCode,
  errorMessage,
  isLiveBatch,
  parseClientMessage,
  toCrewError,
} from "../events/index.js";
import { encodeServerMessage, frameOf, streamTurns } from "../transport/index.js";
import type { RouteDeps } from "./deps.js";
import { MIN_RUN_ID_PREFIX, openWatch } from "../runs/index.js";
import { runEnded, type RunQuota, type StreamLimiter } from "./limits.js";

/** The part of a `ws` WebSocket a session uses. */
export interface SessionSocket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** Backpressure settings of a session. */
export interface WsSessionOptions {
  /** Stop pulling events while this many bytes wait in the socket's buffer (default 256 KB). */
  highWaterBytes?: number;
  /** Close a socket (code 1013) whose buffer stays above the mark this long (default 30 s). */
  maxStallMs?: number;
}

const OPEN = 1;
/** "Try again later": the client was too slow and should reconnect from its cursor. */
export const CLOSE_TOO_SLOW = 1013;

interface Watch {
  abort: AbortController;
  /** Gives back the watch's stream slot. */
  release: () => void;
}

/** What a session may take from the per-client caps. */
interface SessionLimits {
  /** The client's key (its remote address). */
  client: string;
  /** Each watched run takes a stream slot, as an SSE stream would. */
  streams: StreamLimiter;
  /** Each started run takes a run slot until it ends. */
  runs?: RunQuota;
}

/** What a session needs. */
export type SessionDeps = Pick<RouteDeps, "runs" | "logger"> & { limits?: SessionLimits };

/** An event as the `event` message sent to sockets. */
const eventMessage = (event: CrewEvent): string => encodeServerMessage({ type: "event", event });

/** Serves one socket. Call {@link handle} for each text frame and {@link close} when it closes. */
export class WsSession {
  readonly #socket: SessionSocket;
  readonly #deps: SessionDeps;
  readonly #highWater: number;
  readonly #maxStallMs: number;
  readonly #watches = new Map<string, Watch>();
  #closed = false;

  constructor(socket: SessionSocket, deps: SessionDeps, options: WsSessionOptions = {}) {
    this.#socket = socket;
    this.#deps = deps;
    this.#highWater = options.highWaterBytes ?? 256 * 1024;
    this.#maxStallMs = options.maxStallMs ?? 30_000;
  }

  /** Runs this socket watches now. */
  get watching(): string[] {
    return [...this.#watches.keys()];
  }

  /** Handles one text frame. Never throws: failures are sent as `error` messages. */
  async handle(data: string): Promise<void> {
    const parsed = parseClientMessage(data);
    if (!parsed.ok) return this.#send(parsed.error);
    const message = parsed.message;
    try {
      await this.#dispatch(message);
    } catch (error) {
      const crewError = toCrewError(error);
      if (crewError.code === ErrorCode.INTERNAL)
        this.#deps.logger.error(`WebSocket ${message.type} failed`, error);
      const runId = "runId" in message ? message.runId : undefined;
      this.#send(errorMessage(crewError.code, crewError.message, message.id, runId));
    }
  }

  /** The socket closed: every watch is released, each run's onDisconnect policy applies. */
  close(): void {
    this.#closed = true;
    for (const watch of this.#watches.values()) {
      watch.abort.abort();
      watch.release();
    }
    this.#watches.clear();
  }

  async #dispatch(message: ClientMessage): Promise<void> {
    const { runs } = this.#deps;
    switch (message.type) {
      case "start": {
        const { limits } = this.#deps;
        // Both caps are checked before the run exists: a refused start leaves nothing behind.
        limits?.streams.acquire(limits.client)();
        const slot = limits?.runs?.reserve(limits.client);
        const run = await runs
          .start({
            inputs: message.inputs,
            source: "ws",
            onDisconnect: message.onDisconnect ?? "continue",
            ...(message.crew === undefined ? {} : { crew: message.crew }),
            ...(message.timeoutMs === undefined ? {} : { timeoutMs: message.timeoutMs }),
            ...(message.threadId === undefined ? {} : { threadId: message.threadId }),
          })
          .catch((error: unknown) => {
            slot?.cancel();
            throw error;
          });
        slot?.hold(runEnded(runs, run.id));
        await this.#watch(run.id, 0, message.id);
        return;
      }
      case "subscribe": {
        // A prefix is resolved here, so the watch, its ack and unsubscribe use the full id.
        const runId = await runs.resolveId(message.runId);
        if (this.#watches.has(runId)) {
          throw new CrewError(
            ErrorCode.CONFLICT,
            `This socket already watches run ${runId}; unsubscribe first.`,
          );
        }
        await this.#watch(runId, message.after ?? 0, message.id);
        return;
      }
      case "cancel":
        await runs.cancel(message.runId);
        this.#ack(message.id, message.runId);
        return;
      case "input":
        await runs.answer(message.runId, message.requestId, message.text);
        this.#ack(message.id, message.runId);
        return;
      case "unsubscribe": {
        const runId =
          message.runId.length < MIN_RUN_ID_PREFIX
            ? message.runId
            : ([...this.#watches.keys()].find((watched) => watched.startsWith(message.runId)) ??
              message.runId);
        const watch = this.#watches.get(runId);
        this.#watches.delete(runId);
        watch?.abort.abort();
        watch?.release();
        this.#ack(message.id, runId);
        return;
      }
    }
  }

  #ack(id: string | undefined, runId: string): void {
    this.#send({ type: "ack", ...(id === undefined ? {} : { id }), runId });
  }

  /** Opens the watch (run and cursor errors are thrown to the caller), acks, then pumps events. */
  async #watch(runId: string, after: number, id: string | undefined): Promise<void> {
    const { limits } = this.#deps;
    // A watch is a stream like an SSE one: it counts against the client's cap.
    const release = limits ? limits.streams.acquire(limits.client) : () => undefined;
    const watch: Watch = { abort: new AbortController(), release };
    const signal = watch.abort.signal;
    let batches: AsyncGenerator<readonly CrewEvent[]>;
    try {
      batches = await openWatch(this.#deps.runs, runId, { after, signal });
    } catch (error) {
      release();
      throw error;
    }
    if (this.#closed) {
      watch.abort.abort();
      release();
      return;
    }
    this.#watches.set(runId, watch);
    this.#ack(id, runId);
    this.#pump(batches, signal)
      .catch((error: unknown) => {
        if (signal.aborted) return;
        const crewError = toCrewError(error);
        if (crewError.code === ErrorCode.INTERNAL)
          this.#deps.logger.error(`watching run ${runId} failed`, error);
        this.#send(errorMessage(crewError.code, crewError.message, undefined, runId));
      })
      .finally(() => {
        if (this.#watches.get(runId) === watch) this.#watches.delete(runId);
        release();
      });
  }

  /**
   * Sends events, pausing the pull while the socket's buffer is above the high-water mark
   * (checked per batch, so at most one batch goes over it). Each event message is encoded
   * once for every socket watching the run. Catching up on replayed pages takes turns with
   * every other stream of the process, as SSE streams do (see StreamTurns); live batches took
   * their turn in the run's event log before they came.
   */
  async #pump(batches: AsyncGenerator<readonly CrewEvent[]>, signal: AbortSignal): Promise<void> {
    const rank = streamTurns.rank();
    try {
      for await (const batch of batches) {
        if (signal.aborted || this.#closed) return;
        if (!(await this.#drained(signal))) return;
        const paced = !isLiveBatch(batch);
        const wait = paced ? streamTurns.turn(rank) : undefined;
        if (wait) await wait;
        let sent = 0;
        try {
          if (signal.aborted || this.#closed) return;
          for (const event of batch) {
            const text = frameOf(eventMessage, event);
            sent += Buffer.byteLength(text);
            this.#sendText(text);
          }
        } finally {
          if (paced) streamTurns.done(sent);
        }
      }
    } finally {
      await batches.return(undefined);
    }
  }

  /** Waits until the socket's buffer is below the mark; false when aborted or the client is dropped. */
  async #drained(signal: AbortSignal): Promise<boolean> {
    const since = Date.now();
    while (this.#socket.bufferedAmount > this.#highWater) {
      if (signal.aborted || this.#closed || this.#socket.readyState !== OPEN) return false;
      if (Date.now() - since > this.#maxStallMs) {
        this.#deps.logger.warn("closing a WebSocket client that stopped reading");
        this.#socket.close(CLOSE_TOO_SLOW, "too slow: reconnect and resume from your last seq");
        this.close();
        return false;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return !signal.aborted && !this.#closed;
  }

  #send(message: ServerMessage): void {
    this.#sendText(encodeServerMessage(message));
  }

  #sendText(text: string): void {
    if (this.#closed || this.#socket.readyState !== OPEN) return;
    try {
      this.#socket.send(text);
    } catch (error) {
      this.#deps.logger.error("WebSocket send failed; closing the socket", error);
      this.#socket.close(1011, "send failed");
      this.close();
    }
  }
}

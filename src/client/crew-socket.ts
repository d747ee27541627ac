/**
 * The WebSocket API as a client: start runs, watch several runs on one socket, cancel them and
 * answer human input. Works with the browser's `WebSocket` or, in Node, with the `ws` package
 * (loaded on demand when there is no global `WebSocket`, or passed as `WebSocket`).
 */
import {
  ackMessageSchema,
  CrewError,
  ErrorCode,
  errorMessageSchema,
  parseEvent,
} from "../events/index.js";
import type { ClientMessageInput, CrewEvent, StartMessage } from "../events/index.js";
import { apiUrl } from "./http.js";
import type { ConnectionOptions } from "./http.js";
import { PushQueue } from "./push-queue.js";

/** The part of the WebSocket interface CrewSocket uses (browser and `ws` both have it). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(
    type: "open" | "close" | "error" | "message",
    listener: (event: { data?: unknown }) => void,
  ): void;
}

/** A WebSocket constructor: the global one or `ws`'s (which also takes `{ headers }`). */
export type WebSocketConstructor = new (url: string, protocols?: unknown) => WebSocketLike;

/** Options of {@link CrewSocket.connect}. */
export interface CrewSocketOptions extends Omit<ConnectionOptions, "fetch"> {
  /** Full `ws://` URL of the endpoint; derived from `baseUrl` (or the page's origin) when absent. */
  url?: string;
  /** The WebSocket implementation; the global one, else the `ws` package. */
  WebSocket?: WebSocketConstructor;
}

interface Pending {
  resolve: (runId: string) => void;
  reject: (error: CrewError) => void;
}

/** A connected WebSocket client. Close it with {@link CrewSocket.close}. */
export class CrewSocket {
  readonly #socket: WebSocketLike;
  readonly #pending = new Map<string, Pending>();
  readonly #watches = new Map<string, PushQueue<CrewEvent>>();
  #nextId = 0;
  #closed: CrewError | undefined;

  private constructor(socket: WebSocketLike) {
    this.#socket = socket;
    socket.addEventListener("message", (event) => this.#onMessage(String(event.data)));
    socket.addEventListener("close", () =>
      this.#fail(new CrewError(ErrorCode.CANCELLED, "The WebSocket closed.")),
    );
  }

  /** Opens a socket to `GET /api/ws` and resolves once it is open. */
  static async connect(options: CrewSocketOptions = {}): Promise<CrewSocket> {
    const WebSocketImpl = options.WebSocket ?? (await defaultWebSocket());
    const url = options.url ?? toWsUrl(apiUrl(options, "/api/ws"));
    const socket =
      options.token && options.WebSocket !== globalThis.WebSocket
        ? new WebSocketImpl(url, { headers: { authorization: `Bearer ${options.token}` } })
        : new WebSocketImpl(url);
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener("open", () => resolve());
      socket.addEventListener("error", () =>
        reject(new CrewError(ErrorCode.BAD_REQUEST, `Could not open ${url}.`)),
      );
    });
    return new CrewSocket(socket);
  }

  /** Starts a run; this socket watches it from its first event. */
  async start(request: Omit<StartMessage, "type" | "id">): Promise<{
    runId: string;
    events: AsyncIterable<CrewEvent>;
  }> {
    const id = this.#id();
    const queue = new PushQueue<CrewEvent>();
    const runId = await this.#request(
      { type: "start", id, inputs: request.inputs, ...pick(request) },
      id,
      queue,
    );
    return { runId, events: queue };
  }

  /** Watches a run's events after `after` (default 0) until `run.end`. */
  subscribe(runId: string, options: { after?: number } = {}): AsyncIterable<CrewEvent> {
    const queue = new PushQueue<CrewEvent>(() => this.#send({ type: "unsubscribe", runId }));
    this.#watches.set(runId, queue);
    const id = this.#id();
    this.#request(
      {
        type: "subscribe",
        id,
        runId,
        ...(options.after === undefined ? {} : { after: options.after }),
      },
      id,
    )
      .then(() => undefined)
      .catch((error: CrewError) => queue.fail(error));
    return queue;
  }

  /** Cancels a run (not only this socket's watch). */
  async cancel(runId: string): Promise<void> {
    const id = this.#id();
    await this.#request({ type: "cancel", id, runId }, id);
  }

  /** Answers an `input.request`. */
  async answer(runId: string, requestId: string, text: string): Promise<void> {
    const id = this.#id();
    await this.#request({ type: "input", id, runId, requestId, text }, id);
  }

  /** Closes the socket; runs go on. */
  close(): void {
    this.#socket.close(1000, "client closed");
  }

  #id(): string {
    this.#nextId += 1;
    return `c${this.#nextId}`;
  }

  #request(message: ClientMessageInput, id: string, queue?: PushQueue<CrewEvent>): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      if (this.#closed) return reject(this.#closed);
      this.#pending.set(id, {
        resolve: (runId) => {
          if (queue) this.#watches.set(runId, queue);
          resolve(runId);
        },
        reject,
      });
      this.#send(message);
    });
  }

  #send(message: ClientMessageInput): void {
    if (this.#closed) return;
    this.#socket.send(JSON.stringify(message));
  }

  /**
   * Routes one server message. Acks and errors are checked with their schemas; an event is
   * checked once, by `parseEvent`, and events of types this version does not know are skipped.
   */
  #onMessage(data: string): void {
    const message = parseJson(data);
    if (message?.type === "event") {
      const parsed = parseEvent(message.event);
      if (!parsed.ok || !parsed.event) return;
      const queue = this.#watches.get(parsed.event.runId);
      queue?.push(parsed.event);
      if (parsed.event.type === "run.end") {
        queue?.end();
        this.#watches.delete(parsed.event.runId);
      }
    } else if (message?.type === "ack") {
      const ack = ackMessageSchema.safeParse(message);
      if (!ack.success || ack.data.id === undefined) return;
      this.#pending.get(ack.data.id)?.resolve(ack.data.runId);
      this.#pending.delete(ack.data.id);
    } else if (message?.type === "error") {
      const parsed = errorMessageSchema.safeParse(message);
      if (!parsed.success) return;
      const { id, runId } = parsed.data;
      const error = CrewError.fromInfo(parsed.data);
      const pending = id === undefined ? undefined : this.#pending.get(id);
      if (pending && id !== undefined) {
        this.#pending.delete(id);
        pending.reject(error);
      } else if (runId !== undefined) {
        this.#watches.get(runId)?.fail(error);
        this.#watches.delete(runId);
      }
    }
  }

  #fail(error: CrewError): void {
    this.#closed = error;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
    for (const queue of this.#watches.values()) queue.fail(error);
    this.#watches.clear();
  }
}

function pick(
  request: Pick<StartMessage, "crew" | "onDisconnect">,
): Pick<StartMessage, "crew" | "onDisconnect"> {
  return {
    ...(request.crew === undefined ? {} : { crew: request.crew }),
    ...(request.onDisconnect === undefined ? {} : { onDisconnect: request.onDisconnect }),
  };
}

/** A frame's JSON with its `type`, or undefined when it is not a JSON object. */
function parseJson(data: string): { type?: unknown; event?: unknown } | undefined {
  try {
    const value: unknown = JSON.parse(data);
    return typeof value === "object" && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

function toWsUrl(httpUrl: string): string {
  const absolute = /^https?:/i.test(httpUrl)
    ? httpUrl
    : new URL(httpUrl, globalThis.location?.href).toString();
  return absolute.replace(/^http/i, "ws");
}

async function defaultWebSocket(): Promise<WebSocketConstructor> {
  if (typeof globalThis.WebSocket === "function")
    return globalThis.WebSocket as unknown as WebSocketConstructor;
  // A variable specifier keeps browser bundlers from trying to bundle the Node-only package.
  const specifier = "ws";
  const module = (await import(/* @vite-ignore */ specifier)) as {
    WebSocket: WebSocketConstructor;
  };
  return module.WebSocket;
}

/** Test support: a WebSocket peer that queues server messages and waits for the ones it wants. */
import { WebSocket } from "ws";
import type { ServerMessage } from "../../events/index.js";

/** A connected test socket. */
export class TestSocket {
  readonly messages: ServerMessage[] = [];
  readonly #waiters: Array<() => void> = [];
  closed: { code: number; reason: string } | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data: Buffer) => {
      this.messages.push(JSON.parse(data.toString("utf8")) as ServerMessage);
      this.#wake();
    });
    ws.on("close", (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.#wake();
    });
  }

  /** Opens a socket to `url` (ws://...), with optional headers. */
  static async open(url: string, headers: Record<string, string> = {}): Promise<TestSocket> {
    const ws = new WebSocket(url, { headers });
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
      ws.once("unexpected-response", (_request, response) =>
        reject(new Error(`WebSocket upgrade refused: ${response.statusCode}`)),
      );
    });
    return new TestSocket(ws);
  }

  /** Sends a raw text frame or a message object. */
  send(message: string | object): void {
    this.ws.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  /** Waits for (and removes) the first queued message matching `predicate`. */
  async next<M extends ServerMessage = ServerMessage>(
    predicate: (message: ServerMessage) => boolean = () => true,
  ): Promise<M> {
    for (;;) {
      const index = this.messages.findIndex(predicate);
      if (index !== -1) return this.messages.splice(index, 1)[0] as M;
      if (this.closed)
        throw new Error(`socket closed (${this.closed.code}) before the expected message`);
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  /** Every event of `runId` until its run.end, removed from the queue. */
  async eventsUntilEnd(
    runId: string,
  ): Promise<Array<Extract<ServerMessage, { type: "event" }>["event"]>> {
    const events = [];
    for (;;) {
      const message = await this.next((m) => m.type === "event" && m.event.runId === runId);
      if (message.type !== "event") continue;
      events.push(message.event);
      if (message.event.type === "run.end") return events;
    }
  }

  /** Closes the socket and waits for the close handshake. */
  async close(): Promise<void> {
    if (this.closed) return;
    const done = new Promise<void>((resolve) => this.ws.once("close", () => resolve()));
    this.ws.close();
    await done;
  }

  #wake(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }
}

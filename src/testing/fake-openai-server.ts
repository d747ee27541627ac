/**
 * A fake OpenAI-compatible server on 127.0.0.1 (random port) that speaks the real
 * chat-completions wire format, streaming (SSE chunks, usage chunk, `[DONE]`) and not, with
 * tool calls in `delta.tool_calls`. Each request's answer is scriptable (see
 * fake-openai-replies.ts), every request is recorded, and the server notices when a client
 * closed a connection before the answer was complete, so tests can prove that aborts end HTTP
 * requests.
 */
import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { defaultTokens, type FakeReply } from "./fake-openai-replies.js";
import { readBody, sendError, writeJsonReply, writeStreamReply } from "./fake-openai-wire.js";

/** Options of {@link startFakeOpenAI}. */
export interface FakeOpenAIOptions {
  /** Tokens of the default answer (when no script says otherwise). Default 8. */
  defaultTokens?: number;
  /** Delay before each streamed chunk unless a reply says otherwise. Default 0. */
  tokenDelayMs?: number;
  /**
   * Each streamed text token ends with `@` and the time it was sent, in ms since the epoch
   * (`performance.timeOrigin + performance.now()`), so a reader in another process can tell how
   * long the token took to reach it.
   */
  stampTokens?: boolean;
  /** When set, requests without `Authorization: Bearer <apiKey>` get a 401. */
  apiKey?: string;
}

/** The JSON body of a chat-completions request, as far as tests usually look into it. */
export interface FakeRequestBody {
  model?: string;
  messages: Array<{
    role: string;
    content?: unknown;
    tool_calls?: unknown[];
    tool_call_id?: string;
  }>;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  tools?: Array<{
    type: string;
    function: { name: string; description?: string; parameters?: unknown };
  }>;
  [key: string]: unknown;
}

/** One request the server received, updated as its response goes out. */
export interface RecordedRequest {
  /** 0-based order of arrival. */
  index: number;
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  /** The parsed JSON body (undefined when it was not JSON). */
  body: FakeRequestBody | undefined;
  /** The reply the server chose. */
  reply: FakeReply;
  /** True once the connection closed, for whatever reason. */
  closed: boolean;
  /** True when the connection closed before the response was complete (client abort, drop, hang). */
  closedEarly: boolean;
}

/** What a script gives for a request: a reply, or undefined for the default answer. */
export type FakeScriptFn = (request: RecordedRequest) => FakeReply | undefined;

/** A running fake server. */
export interface FakeOpenAI {
  /** Base URL to give a provider, e.g. `http://127.0.0.1:PORT/v1`. */
  baseURL: string;
  /** Every request so far, in order of arrival. */
  requests: RecordedRequest[];
  /** Emits "request" (a request arrived) and "request-closed" (its connection closed), both with the RecordedRequest. */
  events: EventEmitter;
  /** A function decides every answer from now on; an array (or one reply) queues answers for the next requests. */
  script(script: FakeScriptFn | FakeReply | FakeReply[]): void;
  /** Resolves with the `count`-th request (1-based; default: the next one) once it has arrived. */
  waitForRequest(count?: number): Promise<RecordedRequest>;
  /** Resolves once the request's connection has closed. */
  waitForClose(request: RecordedRequest): Promise<RecordedRequest>;
  /** Ends every open connection and stops the server. */
  close(): Promise<void>;
}

/** Starts a fake OpenAI-compatible server on 127.0.0.1 with a random port. */
export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const requests: RecordedRequest[] = [];
  const events = new EventEmitter();
  const queue: FakeReply[] = [];
  let scriptFn: FakeScriptFn | undefined;

  function chooseReply(record: RecordedRequest): FakeReply {
    const queued = queue.shift();
    if (queued) return queued;
    return scriptFn?.(record) ?? { text: defaultTokens(options.defaultTokens ?? 8) };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = (await readBody(req)) as FakeRequestBody | undefined;
    const record: RecordedRequest = {
      index: requests.length,
      method: req.method ?? "GET",
      path: (req.url ?? "/").split("?")[0] ?? "/",
      headers: req.headers,
      body,
      reply: {},
      closed: false,
      closedEarly: false,
    };
    requests.push(record);
    res.on("close", () => {
      record.closed = true;
      record.closedEarly = !res.writableFinished;
      events.emit("request-closed", record);
    });
    events.emit("request", record);
    if (record.method !== "POST" || record.path !== "/v1/chat/completions") {
      sendError(
        res,
        404,
        `Unknown route ${record.method} ${record.path}; the fake server answers POST /v1/chat/completions.`,
      );
      return;
    }
    if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      sendError(res, 401, "Incorrect API key provided.");
      return;
    }
    if (!body || !Array.isArray(body["messages"])) {
      sendError(res, 400, "The body must be JSON with a messages array.");
      return;
    }
    const reply = chooseReply(record);
    record.reply = reply;
    if (reply.status !== undefined && reply.status >= 400) {
      sendError(res, reply.status, reply.errorMessage ?? `Error ${reply.status}`, reply.headers);
      return;
    }
    if (reply.fail?.kind === "silent") {
      await new Promise((resolve) => res.once("close", resolve));
      return;
    }
    const context = {
      index: record.index,
      body,
      reply,
      tokenDelayMs: reply.tokenDelayMs ?? options.tokenDelayMs ?? 0,
      stampTokens: options.stampTokens === true,
    };
    if (body["stream"] === true) await writeStreamReply(res, context);
    else await writeJsonReply(res, context);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, `Fake server failure: ${String(error)}`);
      else res.destroy(error instanceof Error ? error : undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    events,
    script(script) {
      if (typeof script === "function") scriptFn = script;
      else queue.push(...(Array.isArray(script) ? script : [script]));
    },
    waitForRequest(count = requests.length + 1) {
      const arrived = requests[count - 1];
      if (arrived) return Promise.resolve(arrived);
      return new Promise((resolve) => {
        const onRequest = (record: RecordedRequest) => {
          if (record.index + 1 < count) return;
          events.off("request", onRequest);
          resolve(record);
        };
        events.on("request", onRequest);
      });
    },
    waitForClose(request) {
      if (request.closed) return Promise.resolve(request);
      return new Promise((resolve) => {
        const onClosed = (record: RecordedRequest) => {
          if (record !== request) return;
          events.off("request-closed", onClosed);
          resolve(record);
        };
        events.on("request-closed", onClosed);
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

/**
 * What the fake OpenAI server answers to one chat-completions request, and builders for the
 * usual cases: text, tool calls, HTTP errors, and broken streams (malformed chunk, dropped
 * connection, hang).
 */

/** A tool call the fake model makes, in OpenAI's `tool_calls` format. */
export interface FakeToolCall {
  /** The function name. */
  name: string;
  /** Arguments: an object (sent as JSON) or a raw string (sent as is, e.g. invalid JSON). */
  arguments: Record<string, unknown> | string;
  /** Call id; generated when absent. */
  id?: string;
}

/** The answer to one request. All fields are optional; an empty reply is the default answer. */
export interface FakeReply {
  /** Text to stream: a string is split into word tokens, an array is sent token by token. */
  text?: string | string[];
  /** Tool calls to make instead of (or after) text. */
  toolCalls?: FakeToolCall[];
  /**
   * Send each tool call whole in one chunk (id, name and all arguments), as xAI and Mistral
   * do, instead of OpenAI's name chunk followed by argument pieces.
   */
  wholeToolCalls?: boolean;
  /**
   * Reasoning to stream before the text, as OpenAI-compatible servers (DeepSeek, vLLM, Ollama)
   * send it: `reasoning_content` deltas. A string is split into word tokens.
   */
  reasoning?: string | string[];
  /** Delay before each streamed chunk. Default: the server's `tokenDelayMs`. */
  tokenDelayMs?: number;
  /** An HTTP error status (401, 429, 500...): answer with an OpenAI error body and no stream. */
  status?: number;
  /** Extra response headers, e.g. `{ "retry-after": "2" }`. */
  headers?: Record<string, string>;
  /** Message of the error body. */
  errorMessage?: string;
  /**
   * Break the stream after `afterTokens` tokens: a chunk that is not JSON, a dropped connection,
   * or no more bytes ever. `silent` accepts the request and never sends a byte, not even headers.
   */
  fail?: { kind: "malformed" | "drop" | "hang" | "silent"; afterTokens?: number };
  /** Usage to report; default: prompt length / 4 and the number of chunks sent. */
  usage?: { promptTokens?: number; completionTokens?: number };
}

/** Builders for common replies. */
export const reply = {
  /** Streams `text` (split into word tokens) or the given tokens. */
  text(
    text: string | string[],
    options: Pick<FakeReply, "tokenDelayMs" | "usage"> = {},
  ): FakeReply {
    return { text, ...options };
  },
  /** Thinks `reasoning` (as `reasoning_content` deltas), then streams `text`. */
  reasoned(reasoning: string | string[], text: string | string[]): FakeReply {
    return { reasoning, text };
  },
  /** Calls one tool. */
  toolCall(name: string, args: Record<string, unknown> | string, id?: string): FakeReply {
    return { toolCalls: [{ name, arguments: args, ...(id === undefined ? {} : { id }) }] };
  },
  /** 429 with a `retry-after` header in seconds (and `retry-after-ms` when given in ms). */
  rateLimited(retryAfterSeconds = 1, retryAfterMs?: number): FakeReply {
    const headers: Record<string, string> = { "retry-after": String(retryAfterSeconds) };
    if (retryAfterMs !== undefined) headers["retry-after-ms"] = String(retryAfterMs);
    return { status: 429, headers, errorMessage: "Rate limit reached for requests" };
  },
  /** 500 Internal Server Error. */
  serverError(status = 500): FakeReply {
    return { status, errorMessage: "The server had an error while processing your request." };
  },
  /** 401 Unauthorized. */
  unauthorized(): FakeReply {
    return { status: 401, errorMessage: "Incorrect API key provided." };
  },
  /** Sends a chunk that is not JSON after `afterTokens` tokens, then ends the stream. */
  malformed(afterTokens = 1): FakeReply {
    return { text: defaultTokens(afterTokens + 3), fail: { kind: "malformed", afterTokens } };
  },
  /** Drops the connection after `afterTokens` tokens. */
  drop(afterTokens = 1): FakeReply {
    return { text: defaultTokens(afterTokens + 3), fail: { kind: "drop", afterTokens } };
  },
  /** Accepts the request and never answers: no status line, no headers, no bytes. */
  silent(): FakeReply {
    return { fail: { kind: "silent" } };
  },
  /** Sends `afterTokens` tokens, then nothing more until the client gives up. */
  hang(afterTokens = 0): FakeReply {
    return { text: defaultTokens(afterTokens + 3), fail: { kind: "hang", afterTokens } };
  },
};

const WORDS =
  "Sure! Here is a plain answer from the fake OpenAI server, streamed one token at a time as a real model would.".split(
    " ",
  );

/** `count` tokens of a plain assistant answer, each word with its leading space. */
export function defaultTokens(count: number): string[] {
  return Array.from(
    { length: count },
    (_, i) => `${i === 0 ? "" : " "}${WORDS[i % WORDS.length] ?? "token"}`,
  );
}

/** The tokens of a reply's text. */
export function tokensOf(text: string | string[] | undefined): string[] {
  if (text === undefined) return [];
  return Array.isArray(text) ? text : (text.match(/\s*\S+|\s+$/g) ?? []);
}

/** JSON-encodes tool call arguments as OpenAI sends them (a string). */
export function argumentsText(call: FakeToolCall): string {
  return typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments);
}

/**
 * OpenAI chat-completions wire format, as the fake server writes it: SSE `chat.completion.chunk`
 * lines ending with a finish chunk, an optional usage chunk and `data: [DONE]`, or one
 * `chat.completion` JSON object.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { argumentsText, tokensOf, type FakeReply } from "./fake-openai-replies.js";

/** What the wire writers need to know about one request. */
export interface ReplyContext {
  index: number;
  body: Record<string, unknown>;
  reply: FakeReply;
  tokenDelayMs: number;
  /** Text tokens end with `@<ms since the epoch>` of their sending. */
  stampTokens?: boolean;
}

function promptTokens(context: ReplyContext): number {
  return (
    context.reply.usage?.promptTokens ??
    Math.max(1, Math.ceil(JSON.stringify(context.body["messages"] ?? []).length / 4))
  );
}

function usage(context: ReplyContext, completion: number) {
  const prompt = promptTokens(context);
  const completionTokens = context.reply.usage?.completionTokens ?? completion;
  return {
    prompt_tokens: prompt,
    completion_tokens: completionTokens,
    total_tokens: prompt + completionTokens,
  };
}

function callId(context: ReplyContext, i: number, id: string | undefined): string {
  return id ?? `call_fake_${context.index}_${i}`;
}

/** Writes an SSE stream, honouring delays, backpressure, client disconnects and scripted failures. */
export async function writeStreamReply(res: ServerResponse, context: ReplyContext): Promise<void> {
  const { reply } = context;
  const base = {
    id: `chatcmpl-fake-${context.index}`,
    object: "chat.completion.chunk",
    created: Math.floor(Date.now() / 1000),
    model: typeof context.body["model"] === "string" ? context.body["model"] : "fake-model",
  };
  let closed = false;
  const whenClosed = new Promise<void>((resolve) => res.once("close", resolve)).then(() => {
    closed = true;
  });
  const send = async (data: string): Promise<boolean> => {
    if (closed || res.destroyed) return false;
    if (!res.write(`data: ${data}\n\n`))
      await Promise.race([new Promise((r) => res.once("drain", r)), whenClosed]);
    return !closed;
  };
  const pause = async () => {
    if (context.tokenDelayMs > 0)
      await Promise.race([new Promise((r) => setTimeout(r, context.tokenDelayMs)), whenClosed]);
  };
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    JSON.stringify({
      ...base,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    });

  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    connection: "keep-alive",
    ...reply.headers,
  });
  if (!(await send(chunk({ role: "assistant", content: "" })))) return;

  let sent = 0;
  const failAt = reply.fail ? (reply.fail.afterTokens ?? 0) : -1;
  const failNow = async (): Promise<boolean> => {
    if (!reply.fail || sent !== failAt) return false;
    if (reply.fail.kind === "malformed") {
      await send(
        `{"id":"${base.id}","object":"chat.completion.chunk","choices":[{"delta":{"content":`,
      );
      await send("[DONE]");
      res.end();
    } else if (reply.fail.kind === "drop") {
      // Ending the socket (not the response) flushes what was sent, then cuts the chunked body short.
      res.socket?.end();
    } else {
      await whenClosed;
    }
    return true;
  };

  for (const token of tokensOf(reply.reasoning)) {
    await pause();
    if (!(await send(chunk({ reasoning_content: token })))) return;
    sent++;
  }
  for (const token of tokensOf(reply.text)) {
    if (await failNow()) return;
    await pause();
    const content = context.stampTokens
      ? `${token}@${(performance.timeOrigin + performance.now()).toFixed(3)}`
      : token;
    if (!(await send(chunk({ content })))) return;
    sent++;
  }
  const calls = reply.toolCalls ?? [];
  for (const [i, call] of calls.entries()) {
    await pause();
    const id = callId(context, i, call.id);
    if (reply.wholeToolCalls === true) {
      const whole = { name: call.name, arguments: argumentsText(call) };
      if (
        !(await send(chunk({ tool_calls: [{ index: i, id, type: "function", function: whole }] })))
      )
        return;
      sent++;
      continue;
    }
    const head = { index: i, id, type: "function", function: { name: call.name, arguments: "" } };
    if (!(await send(chunk({ tool_calls: [head] })))) return;
    for (const piece of argumentsText(call).match(/[\s\S]{1,8}/g) ?? []) {
      await pause();
      if (!(await send(chunk({ tool_calls: [{ index: i, function: { arguments: piece } }] }))))
        return;
      sent++;
    }
  }
  if (await failNow()) return;
  if (!(await send(chunk({}, calls.length > 0 ? "tool_calls" : "stop")))) return;
  const streamOptions = context.body["stream_options"] as { include_usage?: boolean } | undefined;
  if (streamOptions?.include_usage) {
    if (!(await send(JSON.stringify({ ...base, choices: [], usage: usage(context, sent) }))))
      return;
  }
  if (await send("[DONE]")) res.end();
}

/** Writes a non-streaming `chat.completion` answer (or the scripted failure). */
export async function writeJsonReply(res: ServerResponse, context: ReplyContext): Promise<void> {
  const { reply } = context;
  if (reply.fail?.kind === "drop") {
    res.socket?.destroy();
    return;
  }
  if (reply.fail?.kind === "hang") {
    await new Promise((resolve) => res.once("close", resolve));
    return;
  }
  const tokens = tokensOf(reply.text);
  const calls = reply.toolCalls ?? [];
  const reasoning = tokensOf(reply.reasoning).join("");
  const message = {
    role: "assistant",
    content: tokens.length > 0 ? tokens.join("") : null,
    ...(reasoning === "" ? {} : { reasoning_content: reasoning }),
    ...(calls.length > 0
      ? {
          tool_calls: calls.map((call, i) => ({
            id: callId(context, i, call.id),
            type: "function",
            function: { name: call.name, arguments: argumentsText(call) },
          })),
        }
      : {}),
  };
  const completion =
    tokens.length + calls.reduce((n, call) => n + Math.ceil(argumentsText(call).length / 8), 0);
  const body = JSON.stringify({
    id: `chatcmpl-fake-${context.index}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: typeof context.body["model"] === "string" ? context.body["model"] : "fake-model",
    choices: [
      {
        index: 0,
        message,
        logprobs: null,
        finish_reason: calls.length > 0 ? "tool_calls" : "stop",
      },
    ],
    usage: usage(context, completion),
  });
  res.writeHead(200, { "content-type": "application/json", ...reply.headers });
  res.end(reply.fail?.kind === "malformed" ? body.slice(0, Math.floor(body.length / 2)) : body);
}

/** Reads a request body as JSON; undefined when it is empty or not JSON. */
export async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

/** Answers with an OpenAI-style error body `{ error: { message, type, param, code } }`. */
export function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  const type =
    status === 429
      ? "rate_limit_exceeded"
      : status === 401
        ? "invalid_request_error"
        : "server_error";
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(
    JSON.stringify({
      error: { message, type, param: null, code: status === 401 ? "invalid_api_key" : type },
    }),
  );
}

import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { generateText, jsonSchema, streamText, tool } from "ai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ErrorCode } from "../events/index.js";
import { callWithRetry, classifyModelError, resolveModel, type RetryInfo } from "../llm/index.js";
import { collect } from "./collect.js";
import { reply } from "./fake-openai-replies.js";
import { startFakeOpenAI, type FakeOpenAI } from "./fake-openai-server.js";

let server: FakeOpenAI;
beforeEach(async () => {
  server = await startFakeOpenAI({ defaultTokens: 6 });
});
afterEach(async () => {
  await server.close();
});

function compatible(model = "fake-model") {
  return createOpenAICompatible({
    name: "fake",
    baseURL: server.baseURL,
    apiKey: "test-key",
    includeUsage: true,
  }).chatModel(model);
}

function openai(model = "gpt-4o-mini") {
  return createOpenAI({ baseURL: server.baseURL, apiKey: "test-key" }).chat(model);
}

/** Streams and returns text deltas, the error parts, and the final usage. */
async function stream(model: ReturnType<typeof compatible>, abortSignal?: AbortSignal) {
  // Errors are asserted from the stream's error parts; onError only keeps them off the console.
  const result = streamText({
    model,
    prompt: "Say hello",
    maxRetries: 0,
    onError: () => {},
    ...(abortSignal ? { abortSignal } : {}),
  });
  const deltas: string[] = [];
  const errors: unknown[] = [];
  let finish: { outputTokens: number | undefined } | undefined;
  try {
    for await (const part of result.fullStream) {
      if (part.type === "text-delta") deltas.push(part.text);
      if (part.type === "error") errors.push(part.error);
      if (part.type === "finish") finish = { outputTokens: part.totalUsage.outputTokens };
    }
  } catch (error) {
    // A body that breaks off mid-stream surfaces as a thrown error rather than an error part.
    errors.push(error);
  }
  return { deltas, errors, finish };
}

describe("fake OpenAI server", () => {
  it("answers like a plain assistant by default, streaming tokens with usage", async () => {
    const { deltas, errors, finish } = await stream(compatible());
    expect(errors).toEqual([]);
    expect(deltas).toHaveLength(6);
    expect(deltas.join("")).toMatch(/^Sure! Here is a plain answer/);
    expect(finish?.outputTokens).toBe(6);
    const request = server.requests[0];
    expect(request?.body?.stream).toBe(true);
    expect(request?.body?.messages[0]).toMatchObject({ role: "user", content: "Say hello" });
    expect(request?.headers.authorization).toBe("Bearer test-key");
    expect(request?.closedEarly).toBe(false);
  });

  it("streams scripted tokens exactly, with a per-token delay, to the OpenAI provider too", async () => {
    server.script(reply.text(["Hel", "lo", " world"], { tokenDelayMs: 5 }));
    const result = streamText({ model: openai(), prompt: "hi", maxRetries: 0 });
    expect(await collect(result.textStream)).toEqual(["Hel", "lo", " world"]);
    expect((await result.usage).outputTokens).toBe(3);
    expect(server.requests[0]?.body?.stream_options).toEqual({ include_usage: true });
  });

  it("answers non-streaming requests with a chat.completion object", async () => {
    server.script([reply.text("Plain JSON answer."), reply.toolCall("lookup", { q: "tides" })]);
    const first = await generateText({ model: compatible(), prompt: "hi", maxRetries: 0 });
    expect(first.text).toBe("Plain JSON answer.");
    expect(first.usage.outputTokens).toBe(3);
    const second = await generateText({
      model: compatible(),
      prompt: "hi",
      maxRetries: 0,
      tools: {
        lookup: tool({
          inputSchema: jsonSchema<{ q: string }>({
            type: "object",
            properties: { q: { type: "string" } },
          }),
        }),
      },
    });
    expect(second.toolCalls.map((c) => [c.toolName, c.input])).toEqual([
      ["lookup", { q: "tides" }],
    ]);
  });

  it("streams tool calls in the delta.tool_calls format", async () => {
    server.script({
      toolCalls: [
        { name: "web_search", arguments: { query: "deep sea vents", limit: 3 }, id: "call_1" },
      ],
    });
    const result = streamText({
      model: openai(),
      prompt: "search",
      maxRetries: 0,
      tools: {
        web_search: tool({
          description: "Search the web",
          inputSchema: jsonSchema<{ query: string; limit: number }>({
            type: "object",
            properties: { query: { type: "string" }, limit: { type: "number" } },
          }),
        }),
      },
    });
    const calls = await result.toolCalls;
    expect(calls.map((c) => ({ id: c.toolCallId, name: c.toolName, input: c.input }))).toEqual([
      { id: "call_1", name: "web_search", input: { query: "deep sea vents", limit: 3 } },
    ]);
    expect(await result.finishReason).toBe("tool-calls");
    expect(server.requests[0]?.body?.tools?.[0]?.function.name).toBe("web_search");
  });

  it("answers 429 with Retry-After, 500 and 401, classified for retry", async () => {
    server.script([reply.rateLimited(2), reply.serverError(503), reply.unauthorized()]);
    const limited = classifyModelError((await stream(compatible())).errors[0]);
    expect(limited).toMatchObject({ retryable: true, delayMs: 2000, code: ErrorCode.RATE_LIMITED });
    const failed = classifyModelError((await stream(compatible())).errors[0]);
    expect(failed).toMatchObject({
      retryable: true,
      code: ErrorCode.PROVIDER_ERROR,
      reason: "server error (503)",
    });
    const denied = classifyModelError((await stream(compatible())).errors[0]);
    expect(denied).toMatchObject({ retryable: false, code: ErrorCode.PROVIDER_AUTH });
  });

  it("lets callWithRetry wait out a 429 and succeed on the next attempt", async () => {
    server.script([reply.rateLimited(0, 20), reply.serverError(), reply.text("finally")]);
    const retries: RetryInfo[] = [];
    const text = await callWithRetry(
      async () => (await generateText({ model: compatible(), prompt: "hi", maxRetries: 0 })).text,
      {
        baseDelayMs: 1,
        onRetry: (info) => void retries.push(info),
      },
    );
    expect(text).toBe("finally");
    expect(retries.map((r) => [r.attempt, r.code])).toEqual([
      [1, ErrorCode.RATE_LIMITED],
      [2, ErrorCode.PROVIDER_ERROR],
    ]);
    expect(retries[0]?.delayMs).toBe(20);
    expect(server.requests).toHaveLength(3);
  });

  it("sends a malformed chunk that the client reports as a retryable provider error", async () => {
    server.script(reply.malformed(2));
    const { deltas, errors } = await stream(compatible());
    expect(deltas).toHaveLength(2);
    expect(errors).toHaveLength(1);
    expect(classifyModelError(errors[0])).toMatchObject({
      retryable: true,
      code: ErrorCode.PROVIDER_ERROR,
    });
  });

  it("drops the connection mid-stream, which the client sees as a retryable network error", async () => {
    server.script(reply.drop(2));
    const { deltas, errors } = await stream(compatible());
    expect(deltas).toHaveLength(2);
    expect(errors).toHaveLength(1);
    expect(classifyModelError(errors[0])).toMatchObject({
      retryable: true,
      code: ErrorCode.PROVIDER_ERROR,
    });
    expect((await server.waitForClose(server.requests[0]!)).closedEarly).toBe(true);
  });

  it("records that an abort closed the HTTP request of a hanging stream", async () => {
    server.script(reply.hang(1));
    const controller = new AbortController();
    const closed = new Promise((resolve) => server.events.once("request-closed", resolve));
    const streaming = stream(compatible(), controller.signal);
    await server.waitForRequest(1);
    controller.abort();
    await streaming;
    await closed;
    expect(server.requests[0]?.closedEarly).toBe(true);
  });

  it("records that an abort mid-stream closed a slow streaming request", async () => {
    server.script(
      reply.text("one two three four five six seven eight nine ten", { tokenDelayMs: 30 }),
    );
    const controller = new AbortController();
    const result = streamText({
      model: compatible(),
      prompt: "count",
      abortSignal: controller.signal,
      maxRetries: 0,
    });
    const seen: string[] = [];
    for await (const delta of result.textStream) {
      seen.push(delta);
      if (seen.length === 2) controller.abort();
    }
    const request = await server.waitForClose(server.requests[0]!);
    expect(request.closedEarly).toBe(true);
    expect(seen.length).toBeLessThan(10);
  });

  it("follows a script function and serves models resolved from provider/model strings", async () => {
    server.script((request) => reply.text(`You asked for ${request.body?.model}.`));
    const env = {
      OPENAI_API_KEY: "k",
      OPENAI_BASE_URL: server.baseURL,
      CREWSTREAM_BASE_URL: server.baseURL,
    };
    const viaOpenAI = await generateText({
      model: resolveModel("openai/gpt-4o-mini", { env }),
      prompt: "hi",
      maxRetries: 0,
    });
    const viaCompatible = await generateText({
      model: resolveModel("compatible/local-llm", { env }),
      prompt: "hi",
      maxRetries: 0,
    });
    expect(viaOpenAI.text).toBe("You asked for gpt-4o-mini.");
    expect(viaCompatible.text).toBe("You asked for local-llm.");
    expect(server.requests[1]?.headers.authorization).toBeUndefined();
  });

  it("refuses a wrong key and unknown routes like the real API", async () => {
    const guarded = await startFakeOpenAI({ apiKey: "right" });
    try {
      const model = createOpenAICompatible({
        name: "fake",
        baseURL: guarded.baseURL,
        apiKey: "wrong",
      }).chatModel("m");
      const error = await generateText({ model, prompt: "hi", maxRetries: 0 }).catch(
        (e: unknown) => e,
      );
      expect(classifyModelError(error).code).toBe(ErrorCode.PROVIDER_AUTH);
      const response = await fetch(`${guarded.baseURL}/models`);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({
        error: { message: expect.stringContaining("/v1/models") },
      });
    } finally {
      await guarded.close();
    }
  });
});

it("ends each text token with the time it was sent when asked to stamp tokens", async () => {
  const stamped = await startFakeOpenAI({ defaultTokens: 4, tokenDelayMs: 5, stampTokens: true });
  try {
    const model = createOpenAICompatible({ name: "fake", baseURL: stamped.baseURL }).chatModel(
      "fake-model",
    );
    const before = performance.timeOrigin + performance.now();
    const deltas: Array<{ text: string; at: number }> = [];
    for await (const delta of streamText({ model, prompt: "Say hello" }).textStream)
      deltas.push({ text: delta, at: performance.timeOrigin + performance.now() });
    expect(deltas.map((d) => d.text.replace(/@[\d.]+$/, ""))).toEqual([
      "Sure!",
      " Here",
      " is",
      " a",
    ]);
    let previous = before;
    for (const { text, at } of deltas) {
      const sent = Number(/@([\d.]+)$/.exec(text)?.[1]);
      // Sent after the request and the token before it, received after it was sent.
      expect(sent).toBeGreaterThanOrEqual(previous);
      expect(sent).toBeLessThanOrEqual(at);
      previous = sent;
    }
  } finally {
    await stamped.close();
  }
});

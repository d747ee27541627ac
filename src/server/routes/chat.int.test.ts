import {
  AbstractChat,
  DefaultChatTransport,
  parseJsonEventStream,
  readUIMessageStream,
  uiMessageChunkSchema,
} from "ai";
import type { ChatState, ChatStatus, UIMessageChunk } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatCancelledSchema } from "../../events/index.js";
import type { CrewProgressData, CrewTaskData, CrewUIMessage } from "../../transport/index.js";
import { startTestServer } from "../test-support/test-server.js";
import type { TestServer } from "../test-support/test-server.js";

let fast: TestServer;
let slow: TestServer;

beforeAll(async () => {
  fast = await startTestServer();
  // A paced model, so a run lasts long enough to be stopped mid-stream.
  slow = await startTestServer({ tokenMs: 3 });
});
afterAll(async () => {
  await fast.cleanup();
  await slow.cleanup();
});

/** The chat state `useChat` keeps, in plain memory, recording every version of every message. */
class MemoryChatState implements ChatState<CrewUIMessage> {
  status: ChatStatus = "ready";
  error: Error | undefined = undefined;
  messages: CrewUIMessage[] = [];
  readonly versions: CrewUIMessage[] = [];
  pushMessage = (message: CrewUIMessage): void => {
    this.messages = [...this.messages, message];
    this.versions.push(structuredClone(message));
  };
  popMessage = (): void => {
    this.messages = this.messages.slice(0, -1);
  };
  replaceMessage = (index: number, message: CrewUIMessage): void => {
    this.messages = this.messages.map((m, i) => (i === index ? message : m));
    this.versions.push(structuredClone(message));
  };
  snapshot = <T>(thing: T): T => structuredClone(thing);
}

/** The AI SDK's chat (what `useChat` wraps) over its default HTTP transport, recording run ids. */
class NodeChat extends AbstractChat<CrewUIMessage> {
  readonly memory: MemoryChatState;
  readonly runIds: string[] = [];
  /** Set to cut the next response's connection after this many body chunks. */
  cutAfterChunks: number | undefined;
  /** Requests made, as "METHOD path". */
  readonly requests: string[] = [];
  constructor(
    server: TestServer,
    body: Record<string, unknown>,
    onData?: (chat: NodeChat) => void,
    id?: string,
  ) {
    const memory = new MemoryChatState();
    super({
      ...(id === undefined ? {} : { id }),
      state: memory,
      transport: new DefaultChatTransport<CrewUIMessage>({
        api: new URL("/api/chat", server.url).href,
        body,
        fetch: async (input, init) => {
          const response = await fetch(input, init);
          this.requests.push(
            `${init?.method ?? "GET"} ${new URL(input instanceof Request ? input.url : input).pathname}`,
          );
          const runId = response.headers.get("x-run-id");
          if (runId !== null) this.runIds.push(runId);
          const cut = this.cutAfterChunks;
          if (cut === undefined || response.body === null) return response;
          this.cutAfterChunks = undefined;
          return new Response(cutConnection(response.body, cut), {
            status: response.status,
            headers: response.headers,
          });
        },
      }),
      ...(onData === undefined ? {} : { onData: () => onData(this) }),
    });
    this.memory = memory;
  }
}

/**
 * The body of a response whose connection drops after `chunks` chunks: the reader gets a
 * network error (as `fetch` reports one) and the connection to the server is closed.
 */
function cutConnection(
  body: ReadableStream<Uint8Array>,
  chunks: number,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let passed = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (passed === chunks) {
        await reader.cancel();
        controller.error(new TypeError("fetch failed: network connection lost"));
        return;
      }
      const { done, value } = await reader.read();
      if (done) controller.close();
      else {
        passed += 1;
        controller.enqueue(value);
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

const textOf = (message: CrewUIMessage | undefined): string =>
  (message?.parts ?? []).flatMap((part) => (part.type === "text" ? [part.text] : [])).join("");
const tasksOf = (message: CrewUIMessage | undefined): CrewTaskData[] =>
  (message?.parts ?? []).flatMap((part) => (part.type === "data-crew-task" ? [part.data] : []));
const progressOf = (message: CrewUIMessage | undefined): CrewProgressData[] =>
  (message?.parts ?? []).flatMap((part) => (part.type === "data-crew-progress" ? [part.data] : []));

interface RunJson {
  id: string;
  crew: string;
  status: string;
  source?: string;
  inputs: Record<string, unknown>;
  result?: string;
}

async function runOf(server: TestServer, runId: string): Promise<RunJson> {
  return (await (await server.api(`/api/runs/${runId}`)).json()) as RunJson;
}

/** Waits until the run has ended; runs end on their own or by cancel, so this settles. */
async function endedRun(server: TestServer, runId: string): Promise<RunJson> {
  for (;;) {
    const run = await runOf(server, runId);
    if (!["queued", "running"].includes(run.status)) return run;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function runIds(server: TestServer): Promise<string[]> {
  const page = (await (await server.api("/api/runs?limit=500")).json()) as {
    runs: Array<{ id: string }>;
  };
  return page.runs.map((run) => run.id);
}

describe("POST /api/chat", () => {
  it("streams a run to useChat: the final text is the run's result, data parts update in place", async () => {
    const chat = new NodeChat(fast, { crew: "duo" });
    await chat.sendMessage({ text: "honey bees" });

    expect(chat.status).toBe("ready");
    expect(chat.error).toBeUndefined();
    const runId = chat.runIds[0]!;
    expect(runId).toBeTruthy();
    const run = await endedRun(fast, runId);
    expect(run).toMatchObject({
      status: "completed",
      crew: "duo",
      source: "chat",
      inputs: { topic: "honey bees" },
    });

    const [user, assistant] = chat.messages;
    expect(user?.role).toBe("user");
    expect(assistant?.role).toBe("assistant");
    expect(assistant?.metadata).toEqual({ runId });
    expect(run.result).toBeTruthy();
    expect(textOf(assistant)).toBe(run.result);

    // One progress part and one part per task, whatever the number of updates they had.
    expect(progressOf(assistant)).toHaveLength(1);
    expect(progressOf(assistant)[0]).toMatchObject({
      runId,
      crew: "duo",
      status: "completed",
      tasksDone: 2,
      tasksTotal: 2,
    });
    expect(tasksOf(assistant).map((task) => [task.key, task.status])).toEqual([
      ["research_task", "completed"],
      ["writing_task", "completed"],
    ]);
    const assistantVersions = chat.memory.versions.filter(
      (message) => message.role === "assistant",
    );
    const progressStates = assistantVersions.map((message) => progressOf(message)[0]?.status);
    expect(progressStates).toContain("running");
    expect(assistantVersions.every((message) => progressOf(message).length <= 1)).toBe(true);
    expect(assistantVersions.every((message) => tasksOf(message).length <= 2)).toBe(true);
    const researchStates = new Set(assistantVersions.map((message) => tasksOf(message)[0]?.status));
    expect(researchStates).toEqual(new Set([undefined, "running", "completed"]));

    expect(await runIds(fast)).toContain(runId);
  });

  it("reads the SDK's wire format: inputs from the body, the main input from the last user message", async () => {
    const response = await fast.post("/api/chat", {
      id: "chat-1",
      trigger: "submit-message",
      crew: "duo",
      audience: "engineers",
      inputs: { depth: 2 },
      messages: [
        { id: "m1", role: "user", parts: [{ type: "text", text: "wasps" }] },
        { id: "m2", role: "assistant", parts: [{ type: "text", text: "An earlier answer." }] },
        {
          id: "m3",
          role: "user",
          parts: [
            { type: "text", text: "bumble" },
            { type: "text", text: "bees" },
          ],
        },
      ],
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(response.headers.get("x-vercel-ai-ui-message-stream")).toBe("v1");
    const runId = response.headers.get("x-run-id")!;

    const chunks: UIMessageChunk[] = [];
    const stream = parseJsonEventStream({
      stream: response.body!,
      schema: uiMessageChunkSchema,
    }).pipeThrough(
      new TransformStream({
        transform(result, controller) {
          if (!result.success) throw result.error;
          chunks.push(result.value);
          controller.enqueue(result.value);
        },
      }),
    );
    let last: CrewUIMessage | undefined;
    for await (const message of readUIMessageStream<CrewUIMessage>({
      stream,
      terminateOnError: true,
    }))
      last = message;

    const run = await endedRun(fast, runId);
    expect(run).toMatchObject({
      status: "completed",
      source: "chat",
      inputs: { topic: "bumble\nbees", audience: "engineers", depth: 2 },
    });
    expect(textOf(last)).toBe(run.result);
    expect(chunks[0]).toMatchObject({ type: "start", messageMetadata: { runId } });
    expect(chunks.at(-1)).toEqual({ type: "finish", finishReason: "stop" });
  });

  it("stopping the chat with the cancel route cancels the run; a dropped connection alone does not", async () => {
    let stopped: Promise<unknown> | undefined;
    const chat = new NodeChat(slow, { crew: "duo" }, (self) => {
      // Stop once the first task has made a step: the run is well under way.
      const assistant = self.lastMessage;
      if (
        stopped === undefined &&
        tasksOf(assistant).some((task) => task.steps > 0 || task.status === "completed")
      ) {
        // The recipe for clients: the AI SDK's stop, then the run's cancel.
        stopped = Promise.all([
          self.stop(),
          slow.api(`/api/chat/${self.id}/cancel`, { method: "POST" }),
        ]);
      }
    });
    await chat.sendMessage({ text: "slow bees" });
    expect(stopped).toBeDefined();
    const [, cancelled] = (await stopped) as [void, Response];
    const runId = chat.runIds[0]!;
    expect(chatCancelledSchema.parse(await cancelled.json())).toEqual({
      threadId: chat.id,
      cancelled: [runId],
    });

    const run = await endedRun(slow, runId);
    expect(run).toMatchObject({ status: "cancelled", source: "chat" });
    expect(await runIds(slow)).toContain(runId);
    const events = await (
      await slow.api(`/api/runs/${runId}/events`, { headers: { accept: "application/x-ndjson" } })
    ).text();
    const ends = events
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { type: string; status?: string })
      .filter((e) => e.type === "run.end");
    expect(ends).toEqual([expect.objectContaining({ type: "run.end", status: "cancelled" })]);
    expect(slow.logger.lines.filter((line) => line.startsWith("error"))).toEqual([]);
  });

  it("keeps the old stop behaviour on request: onDisconnect cancel ends the run with the stream", async () => {
    let stopped: Promise<void> | undefined;
    const chat = new NodeChat(slow, { crew: "duo", onDisconnect: "cancel" }, (self) => {
      if (stopped === undefined && tasksOf(self.lastMessage).some((task) => task.steps > 0))
        stopped = self.stop();
    });
    await chat.sendMessage({ text: "slow wasps" });
    await stopped;
    const run = await endedRun(slow, chat.runIds[0]!);
    expect(run).toMatchObject({ status: "cancelled", inputs: { topic: "slow wasps" } });
  });

  it("a follow-up in the same chat is a turn of its thread: the crew answers with the conversation so far", async () => {
    const chat = new NodeChat(fast, { crew: "duo" });
    await chat.sendMessage({ text: "honey bees" });
    await chat.sendMessage({ text: "shorter, and in French" });
    expect(chat.status).toBe("ready");
    const [first, second] = chat.runIds;
    const firstRun = await endedRun(fast, first!);
    const secondRun = await endedRun(fast, second!);
    expect(firstRun.result).not.toContain("Following up");
    expect(secondRun.result).toContain(
      '_Following up on our conversation: you asked "honey bees"; my previous answer began',
    );
    expect(textOf(chat.messages[3])).toBe(secondRun.result);
    const thread = (await (await fast.api(`/api/threads/${chat.id}`)).json()) as {
      threadId: string;
      title: string;
      runs: Array<{ id: string; threadId: string }>;
    };
    expect(thread).toMatchObject({ threadId: chat.id, title: "honey bees" });
    expect(thread.runs.map((run) => run.id)).toEqual([first, second]);
  });

  it("resumes a cut stream with the AI SDK's resume call, every part exactly once, then stops the next run", async () => {
    const chat = new NodeChat(slow, { crew: "duo" });
    // No run yet: the resume call answers 204 and the chat stays as it was.
    await chat.resumeStream();
    expect(chat.status).toBe("ready");
    expect(chat.messages).toEqual([]);

    chat.cutAfterChunks = 12;
    await chat.sendMessage({ text: "cut bees" });
    expect(chat.status).toBe("error");
    const runId = chat.runIds[0]!;
    // The dropped connection did not stop the run.
    expect((await runOf(slow, runId)).status).toBe("running");
    const partial = chat.messages[1];
    expect(partial?.role).toBe("assistant");

    await chat.resumeStream();
    expect(chat.status).toBe("ready");
    expect(chat.requests).toEqual([
      `GET /api/chat/${chat.id}/stream`,
      "POST /api/chat",
      `GET /api/chat/${chat.id}/stream`,
    ]);
    expect(chat.runIds).toEqual([runId, runId]);
    const run = await endedRun(slow, runId);
    expect(run.status).toBe("completed");
    expect(chat.messages.map((message) => message.role)).toEqual(["user", "assistant"]);
    const assistant = chat.messages[1];
    expect(assistant?.id).toBe(runId);
    expect(partial?.id).toBe(runId);
    expect(textOf(assistant)).toBe(run.result);
    expect(progressOf(assistant)).toHaveLength(1);
    expect(progressOf(assistant)[0]).toMatchObject({ status: "completed", tasksDone: 2 });
    expect(tasksOf(assistant).map((task) => [task.key, task.status])).toEqual([
      ["research_task", "completed"],
      ["writing_task", "completed"],
    ]);
    expect(
      (await slow.api(`/api/chat/${chat.id}/stream`)).status,
      "nothing is active any more",
    ).toBe(204);

    // The next turn is stopped by the client: the run ends cancelled.
    chat.cutAfterChunks = 8;
    await chat.sendMessage({ text: "more cut bees" });
    const next = chat.runIds.at(-1)!;
    expect(next).not.toBe(runId);
    const stopping = chat.resumeStream();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await Promise.all([
      chat.stop(),
      slow.api(`/api/chat/${chat.id}/cancel`, { method: "POST" }),
      stopping,
    ]);
    expect(await endedRun(slow, next)).toMatchObject({ status: "cancelled" });
    expect(slow.logger.lines.filter((line) => line.startsWith("error"))).toEqual([]);
  });

  const messages = [{ id: "m1", role: "user", parts: [{ type: "text", text: "bees" }] }];
  const json = { "content-type": "application/json" };
  const BAD: Array<{
    name: string;
    body: BodyInit;
    headers?: Record<string, string>;
    status: number;
    code: string;
    says: RegExp;
  }> = [
    {
      name: "a form body",
      body: "messages=bees",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      status: 415,
      code: "unsupported_media_type",
      says: /application\/json/,
    },
    {
      name: "broken JSON",
      body: "{",
      headers: json,
      status: 400,
      code: "bad_request",
      says: /not valid JSON/,
    },
    {
      name: "an empty body",
      body: "",
      headers: json,
      status: 400,
      code: "bad_request",
      says: /empty/,
    },
    {
      name: "no messages",
      body: JSON.stringify({ crew: "duo" }),
      headers: json,
      status: 400,
      code: "bad_request",
      says: /messages/,
    },
    {
      name: "messages not an array",
      body: JSON.stringify({ messages: "bees" }),
      headers: json,
      status: 400,
      code: "bad_request",
      says: /messages/,
    },
    {
      name: "no user text",
      body: JSON.stringify({
        messages: [{ id: "a", role: "assistant", parts: [{ type: "text", text: "hi" }] }],
      }),
      headers: json,
      status: 400,
      code: "bad_request",
      says: /user message/,
    },
    {
      name: "a nested input",
      body: JSON.stringify({ messages, inputs: { topic: { a: 1 } } }),
      headers: json,
      status: 400,
      code: "bad_request",
      says: /Input "topic"/,
    },
    {
      name: "a crew name with a slash",
      body: JSON.stringify({ messages, crew: "../duo" }),
      headers: json,
      status: 400,
      code: "bad_request",
      says: /crew/,
    },
    {
      name: "an unknown crew",
      body: JSON.stringify({ messages, crew: "nope" }),
      headers: json,
      status: 404,
      code: "crew_not_found",
      says: /nope/,
    },
    {
      name: "an oversized body",
      body: JSON.stringify({ messages, pad: "x".repeat(1_100_000) }),
      headers: json,
      status: 413,
      code: "payload_too_large",
      says: /larger/,
    },
  ];

  it.each(BAD)("answers $name with $status and a JSON error, starting no run", async (bad) => {
    const before = await runIds(fast);
    const response = await fast.api("/api/chat", {
      method: "POST",
      body: bad.body,
      ...(bad.headers ? { headers: bad.headers } : {}),
    });
    expect(response.status).toBe(bad.status);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(bad.code);
    expect(body.error.message).toMatch(bad.says);
    expect(await runIds(fast)).toEqual(before);
  });
});

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseJsonEventStream, readUIMessageStream, uiMessageChunkSchema } from "ai";
import type { UIMessageChunk } from "ai";
import { describe, expect, it } from "vitest";
import { ProcessCrew } from "../bridge/index.js";
import { CrewError, EventStamper } from "../events/index.js";
import type { CrewEvent, EventDraft } from "../events/index.js";
import {
  inputsFromChatBody,
  toUIMessageStream,
  toUIMessageStreamResponse,
} from "./ui-message-stream.js";
import type { CrewProgressData, CrewTaskData, CrewUIMessage } from "./ui-message-stream.js";

const crewDir = join(dirname(fileURLToPath(import.meta.url)), "../../examples/python-crew");

function pythonCrew(): ProcessCrew {
  return new ProcessCrew({
    name: "python-crew",
    command: ["python3", "crew/fake_run.py"],
    cwd: crewDir,
    env: { CREWSTREAM_FAKE_STEP_MS: "0" },
    agents: [{ key: "researcher", role: "{topic} Senior Data Researcher" }],
    tasks: [
      { key: "research_task", agent: "researcher" },
      { key: "analysis_task" },
      { key: "reporting_task" },
    ],
  });
}

/** Reads a chunk stream with the AI SDK's own client-side reader; answers every message state and the errors. */
async function read(
  stream: ReadableStream<UIMessageChunk>,
): Promise<{ states: CrewUIMessage[]; errors: string[] }> {
  const states: CrewUIMessage[] = [];
  const errors: string[] = [];
  for await (const message of readUIMessageStream<CrewUIMessage>({
    stream,
    onError: (error) => errors.push((error as Error).message),
  })) {
    states.push(structuredClone(message));
  }
  return { states, errors };
}

function text(message: CrewUIMessage | undefined): string {
  return (message?.parts ?? [])
    .flatMap((part) => (part.type === "text" ? [part.text] : []))
    .join("");
}
function tasksOf(message: CrewUIMessage | undefined): CrewTaskData[] {
  return (message?.parts ?? []).flatMap((part) =>
    part.type === "data-crew-task" ? [part.data] : [],
  );
}
function progressOf(message: CrewUIMessage | undefined): CrewProgressData[] {
  return (message?.parts ?? []).flatMap((part) =>
    part.type === "data-crew-progress" ? [part.data] : [],
  );
}

/** Stamps drafts into a run's events, one every 10 ms of event time. */
async function* run(drafts: EventDraft[]): AsyncGenerator<CrewEvent> {
  let clock = Date.parse("2025-01-01T00:00:00Z");
  const stamper = new EventStamper("run-1", 0, () => new Date((clock += 10)));
  for (const draft of drafts) yield stamper.stamp(draft);
}

const usage = { inputTokens: 5, outputTokens: 7 };
const runStart: EventDraft = {
  type: "run.start",
  crew: "c",
  process: "sequential",
  inputs: {},
  agents: [{ key: "a", role: "Writer" }],
  tasks: [{ key: "t1", agent: "a" }],
};
const taskStart = (task: string, index: number, total: number): EventDraft => ({
  type: "task.start",
  task,
  agent: "a",
  index,
  total,
  description: `do ${task}`,
});
const delta = (task: string, text: string): EventDraft => ({
  type: "text.delta",
  task,
  agent: "a",
  delta: text,
});
const taskEnd = (task: string, output: string): EventDraft => ({
  type: "task.end",
  task,
  agent: "a",
  output,
  usage,
  durationMs: 10,
});

describe("toUIMessageStream", () => {
  it("streams a real process crew run as one assistant message: final answer as text, progress and tasks as data parts", async () => {
    const { states, errors } = await read(
      toUIMessageStream(pythonCrew().stream({ topic: "AI LLMs" }, { runId: "run-py" })),
    );
    const final = states.at(-1);
    expect(errors).toEqual([]);
    expect(final?.role).toBe("assistant");
    expect(final?.metadata).toEqual({ runId: "run-py" });
    expect(text(final)).toMatch(/^# AI LLMs report\n\n## Findings/);
    expect(text(final)).toContain("Start small and measure.");
    expect(tasksOf(final).map((task) => [task.key, task.status, task.index])).toEqual([
      ["research_task", "completed", 0],
      ["analysis_task", "completed", 1],
      ["reporting_task", "completed", 2],
    ]);
    expect(tasksOf(final)[0]).toMatchObject({
      agent: "researcher",
      role: "AI LLMs Senior Data Researcher",
      steps: 3,
      output: "Ten findings about AI LLMs, with sources.",
    });
    expect(progressOf(final)).toEqual([
      expect.objectContaining({
        runId: "run-py",
        crew: "python-crew",
        status: "completed",
        tasksDone: 3,
        tasksTotal: 3,
      }),
    ]);
    // The answer grew while the run was still going, and the timeline showed a task running.
    expect(
      states.some(
        (state) =>
          progressOf(state)[0]?.status === "running" && text(state).startsWith("# AI LLMs report"),
      ),
    ).toBe(true);
    expect(states.some((state) => tasksOf(state).some((task) => task.status === "running"))).toBe(
      true,
    );
  });

  it("answers a Response that the AI SDK's own SSE parser reads back, with the run's header", async () => {
    const response = toUIMessageStreamResponse(
      pythonCrew().stream({ topic: "Rust" }, { runId: "run-r" }),
      { headers: { "X-Run-Id": "run-r" } },
    );
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    expect(response.headers.get("x-vercel-ai-ui-message-stream")).toBe("v1");
    expect(response.headers.get("X-Run-Id")).toBe("run-r");
    const chunks = parseJsonEventStream({
      stream: response.body as ReadableStream<Uint8Array>,
      schema: uiMessageChunkSchema,
    }).pipeThrough(
      new TransformStream<{ success: boolean; value?: UIMessageChunk }, UIMessageChunk>({
        transform(result, controller) {
          if (!result.success || result.value === undefined)
            throw new Error("the stream has a chunk the AI SDK does not accept");
          controller.enqueue(result.value);
        },
      }),
    );
    const { states } = await read(chunks);
    expect(text(states.at(-1))).toMatch(/^# Rust report/);
    expect(progressOf(states.at(-1))[0]?.status).toBe("completed");
  });

  it("ends a failed run with an error part and marks the running task failed", async () => {
    const { states, errors } = await read(
      toUIMessageStream(pythonCrew().stream({ topic: "AI LLMs", mode: "fail" })),
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("exited with code 3");
    const final = states.at(-1);
    expect(progressOf(final)[0]).toMatchObject({
      status: "failed",
      error: { code: "process_failed" },
    });
    expect(tasksOf(final).map((task) => task.status)).toEqual(["completed", "failed"]);
    expect(text(final)).toBe("");
  });

  it("writes the result as the text when the last task streamed nothing", async () => {
    const { states } = await read(
      toUIMessageStream(
        run([
          runStart,
          taskStart("t1", 0, 1),
          taskEnd("t1", "the answer"),
          { type: "run.end", status: "completed", result: "the answer", usage, durationMs: 30 },
        ]),
      ),
    );
    expect(text(states.at(-1))).toBe("the answer");
  });

  it("names the provider's warnings about a task's calls in its task part", async () => {
    const warning = 'The feature "responseFormat" is not supported.';
    const { states } = await read(
      toUIMessageStream(
        run([
          runStart,
          taskStart("t1", 0, 1),
          {
            type: "agent.step",
            task: "t1",
            agent: "a",
            step: 1,
            kind: "answer",
            text: "x",
            warnings: [warning],
          },
          taskEnd("t1", "the answer"),
          { type: "run.end", status: "completed", result: "the answer", usage, durationMs: 30 },
        ]),
      ),
    );
    expect(tasksOf(states.at(-1))).toMatchObject([{ key: "t1", warnings: [warning] }]);
  });

  it("sends each step's reasoning as a reasoning part, kept out of the answer's text", async () => {
    const think = (task: string, text: string): EventDraft => ({
      type: "reasoning.delta",
      task,
      agent: "a",
      delta: text,
    });
    const { states, errors } = await read(
      toUIMessageStream(
        run([
          runStart,
          taskStart("t1", 0, 1),
          think("t1", "Which sources "),
          think("t1", "first?"),
          delta("t1", "the answer"),
          { type: "agent.step", task: "t1", agent: "a", step: 1, kind: "answer", text: "x" },
          think("t1", "Done?"),
          taskEnd("t1", "the answer"),
          { type: "run.end", status: "completed", result: "the answer", usage, durationMs: 30 },
        ]),
      ),
    );
    expect(errors).toEqual([]);
    const last = states.at(-1);
    const reasoning = (last?.parts ?? []).flatMap((part) =>
      part.type === "reasoning" ? [{ text: part.text, state: part.state }] : [],
    );
    expect(reasoning).toEqual([
      { text: "Which sources first?", state: "done" },
      { text: "Done?", state: "done" },
    ]);
    expect(text(last)).toBe("the answer");
  });

  it("keeps only the last task's text as the answer, and completes it when the result is longer", async () => {
    const events = run([
      runStart,
      taskStart("t1", 0, 2),
      delta("t1", "notes nobody should see in the answer"),
      taskEnd("t1", "notes"),
      taskStart("t2", 1, 2),
      delta("t2", "Final "),
      delta("t2", "answer"),
      taskEnd("t2", "Final answer."),
      { type: "run.end", status: "completed", result: "Final answer.", usage, durationMs: 80 },
    ]);
    const { states } = await read(toUIMessageStream(events));
    const final = states.at(-1);
    expect(final?.parts.filter((part) => part.type === "text")).toHaveLength(1);
    expect(text(final)).toBe("Final answer.");
    expect(tasksOf(final).map((task) => [task.key, task.usage, task.elapsedMs])).toEqual([
      ["t1", usage, 20],
      ["t2", usage, 30],
    ]);
    expect(progressOf(final)[0]).toMatchObject({ tasksDone: 2, elapsedMs: 80 });
  });

  it("replaces a streamed text that turned out not to be the answer (the task total grew)", async () => {
    const events = run([
      runStart,
      taskStart("t1", 0, 1),
      delta("t1", "draft"),
      taskEnd("t1", "draft"),
      taskStart("t2", 1, 2),
      taskEnd("t2", "real answer"),
      { type: "run.end", status: "completed", result: "real answer", usage, durationMs: 60 },
    ]);
    const { states } = await read(toUIMessageStream(events));
    const texts = (states.at(-1)?.parts ?? []).flatMap((part) =>
      part.type === "text" ? [part.text] : [],
    );
    expect(texts.at(-1)).toBe("real answer");
  });

  it("ends a cancelled run with an abort chunk and no error", async () => {
    const raw: UIMessageChunk[] = [];
    const stream = toUIMessageStream(
      run([
        runStart,
        taskStart("t1", 0, 1),
        {
          type: "run.end",
          status: "cancelled",
          error: { code: "cancelled", message: "stopped" },
          usage,
          durationMs: 20,
        },
      ]),
    );
    const reader = stream.getReader();
    for (let next = await reader.read(); next.done !== true; next = await reader.read())
      raw.push(next.value);
    expect(raw.at(-1)).toEqual({ type: "abort", reason: "stopped" });
    expect(raw.some((chunk) => chunk.type === "error" || chunk.type === "finish")).toBe(false);
  });

  it("turns an error thrown by the events into an error part with its safe message", async () => {
    async function* missing(): AsyncGenerator<CrewEvent> {
      yield* [];
      throw new CrewError("run_not_found", "No run with id nope.");
    }
    const { errors } = await read(toUIMessageStream(missing()));
    expect(errors).toEqual(["No run with id nope."]);
  });

  it("stops reading the events when the signal aborts", async () => {
    let closed = false;
    const controller = new AbortController();
    async function* endless(): AsyncGenerator<CrewEvent> {
      const stamper = new EventStamper("run-1");
      try {
        yield stamper.stamp(runStart);
        yield stamper.stamp(taskStart("t1", 0, 1));
        for (let step = 1; ; step += 1) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          yield stamper.stamp({
            type: "agent.step",
            task: "t1",
            agent: "a",
            step,
            kind: "thought",
            text: "thinking",
          });
        }
      } finally {
        closed = true;
      }
    }
    const reader = toUIMessageStream(endless(), { signal: controller.signal }).getReader();
    const seen: string[] = [];
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      seen.push(value.type);
      if (value.type === "data-crew-task") controller.abort();
    }
    expect(seen).toContain("data-crew-task");
    expect(seen).not.toContain("finish");
    await expect.poll(() => closed).toBe(true);
  });
});

describe("inputsFromChatBody", () => {
  const messages = [
    { id: "1", role: "user", parts: [{ type: "text", text: "old question" }] },
    { id: "2", role: "assistant", parts: [{ type: "text", text: "old answer" }] },
    {
      id: "3",
      role: "user",
      parts: [
        { type: "text", text: "  AI agents " },
        { type: "file", url: "x", mediaType: "image/png" },
        { type: "text", text: "in production" },
      ],
    },
  ];

  it("takes the last user message's text as the main input, the crew, and extra scalar fields as inputs", () => {
    expect(
      inputsFromChatBody({
        id: "chat",
        trigger: "submit-message",
        messages,
        crew: "research-crew",
        audience: "engineers",
        nested: { no: 1 },
      }),
    ).toEqual({
      crew: "research-crew",
      inputs: { audience: "engineers", topic: "AI agents \nin production" },
    });
  });

  it("fills the crew's first required input, or the named main input", () => {
    expect(
      inputsFromChatBody({ messages }, { requiredInputs: ["question", "tone"] }).inputs,
    ).toEqual({ question: "AI agents \nin production" });
    expect(
      inputsFromChatBody({ messages, inputs: { tone: "dry" } }, { mainInput: "message" }).inputs,
    ).toEqual({ tone: "dry", message: "AI agents \nin production" });
  });

  it("refuses bodies a crew cannot run from", () => {
    expect(() => inputsFromChatBody({ prompt: "hi" })).toThrow(
      expect.objectContaining({ code: "bad_request" }),
    );
    expect(() =>
      inputsFromChatBody({
        messages: [{ role: "assistant", parts: [{ type: "text", text: "hi" }] }],
      }),
    ).toThrow(/no user message/);
    expect(() => inputsFromChatBody({ messages, inputs: { topic: { deep: true } } })).toThrow(
      /Input "topic"/,
    );
    expect(() => inputsFromChatBody({ messages, crew: 42 })).toThrow(
      expect.objectContaining({ code: "bad_request" }),
    );
  });
});

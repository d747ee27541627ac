import { describe, expect, it } from "vitest";
import { EventStamper } from "../events/index.js";
import type { CrewEvent } from "../events/index.js";
import { sseComment, toSseFrame, toSseStream } from "./sse.js";

function sampleRun(runId = "run-1"): CrewEvent[] {
  const stamper = new EventStamper(runId);
  return [
    stamper.stamp({
      type: "run.start",
      crew: "c",
      process: "sequential",
      inputs: {},
      agents: [],
      tasks: [],
    }),
    stamper.stamp({ type: "text.delta", delta: "line one\nline two", agent: "a", task: "t" }),
    stamper.stamp({
      type: "run.end",
      status: "completed",
      result: "ok",
      usage: { inputTokens: 1, outputTokens: 2 },
      durationMs: 3,
    }),
  ];
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  let text = "";
  const decoder = new TextDecoder();
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text;
    text += decoder.decode(value, { stream: true });
  }
}

describe("toSseFrame", () => {
  it("frames an event with its seq as id, its type as event and one line of JSON as data", () => {
    const event = sampleRun()[1]!;
    const frame = toSseFrame(event);
    expect(frame).toBe(`id: 2\nevent: text.delta\ndata: ${JSON.stringify(event)}\n\n`);
    // Newlines inside the payload are escaped by JSON, so the data field stays one line.
    expect(frame.split("\n")).toHaveLength(5);
    expect(JSON.parse(frame.split("\n")[2]!.slice("data: ".length))).toEqual(event);
  });
});

describe("sseComment", () => {
  it("writes each line as a comment line and ends the frame", () => {
    expect(sseComment("ping")).toBe(": ping\n\n");
    expect(sseComment("a\nb")).toBe(": a\n: b\n\n");
  });
});

describe("toSseStream", () => {
  it("streams every event and closes after run.end even if the source goes on", async () => {
    const events = sampleRun();
    let finished = false;
    async function* source(): AsyncGenerator<CrewEvent> {
      try {
        yield* events;
        yield { ...events[0]!, seq: 99 };
      } finally {
        finished = true;
      }
    }
    const text = await readAll(toSseStream(source()));
    expect(text).toBe(events.map(toSseFrame).join(""));
    expect(finished).toBe(true);
  });

  it("sends ping comments while the source is idle", async () => {
    const events = sampleRun();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    async function* source(): AsyncGenerator<CrewEvent> {
      yield events[0]!;
      await gate;
      yield events[2]!;
    }
    const reader = toSseStream(source(), { pingMs: 5 }).getReader();
    const decoder = new TextDecoder();
    expect(decoder.decode((await reader.read()).value)).toBe(toSseFrame(events[0]!));
    expect(decoder.decode((await reader.read()).value)).toBe(": ping\n\n");
    release();
    let rest = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += decoder.decode(value);
    }
    expect(rest.replaceAll(": ping\n\n", "")).toBe(toSseFrame(events[2]!));
  });

  it("aborts the source's signal and ends its iterator when the reader cancels", async () => {
    const events = sampleRun();
    let seenSignal: AbortSignal | undefined;
    let finished = false;
    const stream = toSseStream((signal) => {
      seenSignal = signal;
      return (async function* () {
        try {
          yield events[0]!;
          yield events[1]!;
        } finally {
          finished = true;
        }
      })();
    });
    const reader = stream.getReader();
    await reader.read();
    await reader.cancel();
    expect(seenSignal?.aborted).toBe(true);
    await expect.poll(() => finished).toBe(true);
  });

  it("errors the stream and reports when the source fails", async () => {
    const failures: unknown[] = [];
    async function* source(): AsyncGenerator<CrewEvent> {
      yield sampleRun()[0]!;
      throw new Error("store went away");
    }
    const stream = toSseStream(source(), { onError: (error) => failures.push(error) });
    await expect(readAll(stream)).rejects.toThrow("store went away");
    expect(failures).toHaveLength(1);
  });

  it("pulls the source only as fast as the reader reads", async () => {
    let pulled = 0;
    async function* source(): AsyncGenerator<CrewEvent> {
      const stamper = new EventStamper("r");
      for (;;) {
        pulled += 1;
        yield stamper.stamp({ type: "text.delta", delta: "x" });
      }
    }
    const reader = toSseStream(source()).getReader();
    await reader.read();
    await reader.read();
    // Ready events are sent in bounded chunks; once the reader stops reading, pulling stops.
    const afterReads = pulled;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(pulled - afterReads).toBeLessThanOrEqual(1);
    await reader.cancel();
  });
});

import { describe, expect, it } from "vitest";
import { batchJson, EventStamper, type CrewEvent } from "../events/index.js";
import { encodeBatch, encodeEventStream } from "./event-stream.js";
import { jsonlEncoder } from "./jsonl.js";
import { sseEncoder, toSseFrame } from "./sse.js";

function runEvents(count: number): CrewEvent[] {
  const stamper = new EventStamper("run-1");
  const events: CrewEvent[] = [];
  for (let i = 0; i < count - 1; i++) {
    events.push(stamper.stamp({ type: "text.delta", agent: "a", task: "t", delta: `d${i} ` }));
  }
  events.push(
    stamper.stamp({
      type: "run.end",
      status: "completed",
      usage: { inputTokens: 0, outputTokens: 0 },
      durationMs: 1,
    }),
  );
  return events;
}

async function* from(events: CrewEvent[], fail?: Error): AsyncGenerator<CrewEvent> {
  for (const event of events) yield event;
  if (fail) throw fail;
}

describe("encodeEventStream", () => {
  it("frames a batch from the JSON the store made for it, serialising no event again", () => {
    let reads = 0;
    // Counts how often each event is serialised: JSON.stringify reads every property.
    const batch = runEvents(4).map((event) =>
      Object.defineProperty({ ...event }, "seq", {
        enumerable: true,
        get: () => {
          reads += 1;
          return event.seq;
        },
      }),
    ) as CrewEvent[];
    const json = batchJson(batch);
    const afterStore = reads;
    const sse = encodeBatch(sseEncoder, batch).toString("utf8");
    const jsonl = encodeBatch(jsonlEncoder, batch).toString("utf8");
    const framing = reads - afterStore;
    expect(sse).toBe(batch.map(toSseFrame).join(""));
    expect(jsonl).toBe(json.map((text) => `${text}\n`).join(""));
    // The frames read `seq` for the SSE `id:` line only (once per event), never to serialise it.
    expect(framing).toBe(batch.length);
  });

  it("sends ready events together and every event exactly once, then closes after run.end", async () => {
    const events = runEvents(50);
    const reader = encodeEventStream(from(events), { encode: toSseFrame }).getReader();
    const chunks: string[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(new TextDecoder().decode(value));
    }
    expect(chunks.join("")).toBe(events.map(toSseFrame).join(""));
    // Everything was available at once, so far fewer writes than events.
    expect(chunks.length).toBeLessThan(events.length / 5);
  });

  it("frames each event once however many streams carry it", async () => {
    const events = runEvents(10);
    let framed = 0;
    const encode = (event: CrewEvent): string => {
      framed += 1;
      return toSseFrame(event);
    };
    const texts = await Promise.all(
      Array.from({ length: 5 }, () =>
        new Response(encodeEventStream(from(events), { encode })).text(),
      ),
    );
    expect(new Set(texts).size).toBe(1);
    expect(framed).toBe(events.length);
  });

  it("calls onClose once when the stream ends, is cancelled, or fails", async () => {
    let closed = 0;
    const onClose = (): void => void (closed += 1);
    await new Response(
      encodeEventStream(from(runEvents(3)), { encode: toSseFrame, onClose }),
    ).text();
    expect(closed).toBe(1);

    const stalled = (async function* () {
      yield runEvents(2)[0]!;
      await new Promise(() => undefined);
    })();
    const reader = encodeEventStream(stalled, { encode: toSseFrame, onClose }).getReader();
    await reader.read();
    await reader.cancel();
    expect(closed).toBe(2);

    const errors: unknown[] = [];
    const failing = encodeEventStream(from(runEvents(3).slice(0, 1), new Error("store failed")), {
      encode: toSseFrame,
      onClose,
      onError: (error) => errors.push(error),
    });
    await expect(new Response(failing).text()).rejects.toThrow();
    expect(closed).toBe(3);
    expect(errors).toHaveLength(1);
  });

  it("sends the heartbeat while the source is idle", async () => {
    const idle: AsyncIterable<CrewEvent> = {
      [Symbol.asyncIterator]: () => ({ next: () => new Promise(() => undefined) }),
    };
    const reader = encodeEventStream(idle, {
      encode: toSseFrame,
      heartbeat: ": ping\n\n",
      heartbeatMs: 20,
    }).getReader();
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toBe(": ping\n\n");
    await reader.cancel();
  });
});

describe("encodeEventStream with a source that never pauses", () => {
  it("still hands bounded chunks to the reader", async () => {
    const stamper = new EventStamper("endless");
    async function* endless(): AsyncGenerator<CrewEvent> {
      for (;;) yield stamper.stamp({ type: "text.delta", agent: "a", task: "t", delta: "x" });
    }
    const reader = encodeEventStream(endless(), { encode: toSseFrame }).getReader();
    const { value } = await reader.read();
    expect(value?.byteLength).toBeGreaterThan(0);
    expect(value?.byteLength).toBeLessThan(128 * 1024);
    await reader.cancel();
  });
});

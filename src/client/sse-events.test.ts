import { describe, expect, it } from "vitest";
import { EventStamper } from "../events/index.js";
import type { CrewEvent } from "../events/index.js";
import { readSseEvents } from "./sse-events.js";

function body(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

const stamper = new EventStamper("r1");
const first = stamper.stamp({ type: "text.delta", task: "t", agent: "a", delta: "héllo\nworld" });
const frame = (event: unknown, seq: number): string =>
  `id: ${seq}\nevent: x\ndata: ${JSON.stringify(event)}\n\n`;

async function collect(stream: ReadableStream<Uint8Array>): Promise<CrewEvent[]> {
  const out: CrewEvent[] = [];
  for await (const event of readSseEvents(stream)) out.push(event);
  return out;
}

describe("readSseEvents", () => {
  it("parses frames split anywhere, skips comments and unknown event types", async () => {
    const unknown = {
      v: 1,
      runId: "r1",
      seq: 2,
      ts: new Date().toISOString(),
      type: "future.thing",
      extra: 1,
    };
    const text = `: ping\n\n${frame(first, 1)}${frame(unknown, 2)}`;
    const chunks = [text.slice(0, 7), text.slice(7, 40), text.slice(40)];
    expect(await collect(body(chunks))).toEqual([first]);
  });

  it("throws on a frame that is not a valid event", async () => {
    await expect(collect(body([frame({ type: "text.delta" }, 1)]))).rejects.toMatchObject({
      code: "bad_request",
    });
    await expect(collect(body(["data: {not json\n\n"]))).rejects.toMatchObject({
      code: "bad_request",
    });
  });
});

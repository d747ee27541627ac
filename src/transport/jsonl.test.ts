import { describe, expect, it } from "vitest";
import { CrewError, EventStamper } from "../events/index.js";
import type { CrewEvent } from "../events/index.js";
import { parseEventLines, parseJsonLines, toJsonLine, toJsonlStream } from "./jsonl.js";

async function* chunks(...parts: Array<string | Uint8Array>): AsyncGenerator<string | Uint8Array> {
  yield* parts;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

function events(): CrewEvent[] {
  const stamper = new EventStamper("run-j");
  return [
    stamper.stamp({
      type: "run.start",
      crew: "c",
      process: "sequential",
      inputs: { topic: "x" },
      agents: [],
      tasks: [],
    }),
    stamper.stamp({ type: "text.delta", delta: "é\n" }),
    stamper.stamp({
      type: "run.end",
      status: "cancelled",
      usage: { inputTokens: 0, outputTokens: 0 },
      durationMs: 1,
    }),
  ];
}

describe("JSONL", () => {
  it("writes one event per line and closes after run.end", async () => {
    const list = events();
    async function* source(): AsyncGenerator<CrewEvent> {
      yield* list;
      yield list[0]!;
    }
    const text = await new Response(toJsonlStream(source())).text();
    expect(text).toBe(list.map(toJsonLine).join(""));
    expect(
      text
        .trimEnd()
        .split("\n")
        .map((line) => JSON.parse(line)),
    ).toEqual(list);
  });

  it("parses lines split anywhere, including inside a multi-byte character", async () => {
    const list = events();
    const bytes = new TextEncoder().encode(list.map(toJsonLine).join("") + "\n\r\n");
    const split: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += 7) split.push(bytes.slice(i, i + 7));
    expect(await collect(parseEventLines(chunks(...split)))).toEqual(list);
  });

  it("parses a last line without a newline and skips blank lines", async () => {
    expect(await collect(parseJsonLines(chunks('{"a":1}\n\n', '{"b"', ":2}")))).toEqual([
      { a: 1 },
      { b: 2 },
    ]);
  });

  it("names the line that is not JSON", async () => {
    const error = await collect(parseJsonLines(chunks('{"a":1}\nnot json\n'))).catch(
      (e: unknown) => e,
    );
    expect(CrewError.is(error) && error.code).toBe("bad_request");
    expect((error as Error).message).toMatch(/^Line 2 is not valid JSON/);
  });

  it("skips events of unknown types and refuses values that are not events", async () => {
    const [first] = events();
    const future = { ...first!, type: "agent.mood", mood: "happy" };
    expect(await collect(parseEventLines(chunks(toJsonLine(future), toJsonLine(first))))).toEqual([
      first,
    ]);
    await expect(collect(parseEventLines(chunks('{"hello":"world"}\n')))).rejects.toThrow(
      /not a crew event/,
    );
  });
});

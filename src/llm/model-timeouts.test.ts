import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { CrewError, ErrorCode } from "../events/index.js";
import { withModelTimeouts } from "./model-timeouts.js";

type Part = { type: string; text?: string };

/**
 * A provider stream: `parts` are sent `gapMs` apart (the first at once), then the stream stays
 * open (silent) unless `end`. `cancelled` gets the reason the consumer side cancelled it with.
 */
function provider(parts: Part[], options: { gapMs?: number; end?: boolean } = {}) {
  const seen: { cancelled?: unknown; signal?: AbortSignal } = {};
  const start = (signal: AbortSignal) => {
    seen.signal = signal;
    let sent = 0;
    const stream = new ReadableStream<Part>({
      async pull(controller) {
        if (sent > 0 && options.gapMs !== undefined) await sleep(options.gapMs);
        const part = parts[sent++];
        if (part !== undefined) controller.enqueue(part);
        else if (options.end === true) controller.close();
        else await new Promise(() => undefined);
      },
      cancel(reason) {
        seen.cancelled = reason;
      },
    });
    return Promise.resolve({ stream });
  };
  return { start, seen };
}

const text = (n: number): Part[] =>
  Array.from({ length: n }, (_, i) => ({ type: "text-delta", text: `t${i}` }));

async function readAll(stream: ReadableStream<Part>): Promise<Part[]> {
  const parts: Part[] = [];
  const reader = stream.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read())
    parts.push(next.value);
  return parts;
}

describe("withModelTimeouts", () => {
  it("counts silence from the last chunk: a stream slower in all than idleMs but never silent that long passes", async () => {
    const { start } = provider([{ type: "stream-start" }, ...text(8)], { gapMs: 25, end: true });
    const started = performance.now();
    const { stream } = await withModelTimeouts(start, { idleMs: 80, totalMs: 5_000 });
    const parts = await readAll(stream);
    expect(performance.now() - started).toBeGreaterThan(150);
    expect(parts.map((p) => p.type)).toEqual(["stream-start", ...text(8).map((p) => p.type)]);
  });

  it("fails before any content with a retryable timeout and aborts the request", async () => {
    const { start, seen } = provider([{ type: "stream-start" }]);
    const error: unknown = await withModelTimeouts(start, { idleMs: 40, totalMs: 5_000 }).catch(
      (e: unknown) => e,
    );
    expect(CrewError.is(error) && error.code).toBe(ErrorCode.TIMEOUT);
    expect((error as CrewError).retryable).toBe(true);
    expect((error as CrewError).message).toMatch(/model idle timeout/);
    expect(seen.signal?.aborted).toBe(true);
  });

  it("errors a pending read once the stream goes silent after content, not retryable, and cancels the provider", async () => {
    const { start, seen } = provider(text(2));
    const { stream } = await withModelTimeouts(start, { idleMs: 40, totalMs: 5_000 });
    const reader = stream.getReader();
    expect((await reader.read()).value).toEqual(text(2)[0]);
    expect((await reader.read()).value).toEqual(text(2)[1]);
    const started = performance.now();
    const error: unknown = await reader.read().catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(CrewError.is(error) && error.code).toBe(ErrorCode.TIMEOUT);
    expect((error as CrewError).retryable).toBe(false);
    expect(seen.cancelled).toBe(error);
    expect(seen.signal?.aborted).toBe(true);
  });

  it("a limit hit while the consumer holds back lets the chunks already there through, then fails the first read that waits", async () => {
    const { start } = provider(text(3));
    const { stream } = await withModelTimeouts(start, { idleMs: 1_000, totalMs: 60 });
    const reader = stream.getReader();
    expect((await reader.read()).value).toEqual(text(3)[0]);
    // The call's limit passes while nobody reads.
    await sleep(120);
    expect((await reader.read()).value).toEqual(text(3)[1]);
    expect((await reader.read()).value).toEqual(text(3)[2]);
    const error: unknown = await reader.read().catch((e: unknown) => e);
    expect(CrewError.is(error) && error.code).toBe(ErrorCode.TIMEOUT);
    expect((error as CrewError).retryable).toBe(false);
    expect((error as CrewError).message).toMatch(/model call timeout/);
  });

  it("passes a provider's error through unchanged", async () => {
    const broken = new Error("connection reset");
    const start = () =>
      Promise.resolve({
        stream: new ReadableStream<Part>({
          start(controller) {
            controller.enqueue({ type: "text-delta", text: "a" });
          },
          pull(controller) {
            controller.error(broken);
          },
        }),
      });
    const { stream } = await withModelTimeouts(start, { idleMs: 1_000, totalMs: 5_000 });
    await expect(readAll(stream)).rejects.toBe(broken);
  });
});

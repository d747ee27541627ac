import { describe, expect, it } from "vitest";
import { EventStamper, parseEvent } from "./protocol.js";

describe("EventStamper", () => {
  it("numbers events gaplessly and stamps valid, non-decreasing ISO timestamps", () => {
    const stamper = new EventStamper("run-1", 4);
    const before = Date.now();
    const events = Array.from({ length: 500 }, (_, i) =>
      stamper.stamp({ type: "text.delta", agent: "a", task: "t", delta: `token ${i}` }),
    );
    const after = Date.now();
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 500 }, (_, i) => i + 5));
    expect(stamper.lastSeq).toBe(504);
    const times = events.map((e) => Date.parse(e.ts));
    expect(times[0]).toBeGreaterThanOrEqual(before);
    expect(times.at(-1)).toBeLessThanOrEqual(after);
    expect(times).toEqual([...times].sort((x, y) => x - y));
    for (const event of events.slice(0, 3)) expect(parseEvent(event)).toEqual({ ok: true, event });
  });

  it("uses the given clock", () => {
    let ms = Date.UTC(2026, 0, 1);
    const stamper = new EventStamper("run-2", 0, () => new Date((ms += 1500)));
    const delta = { type: "text.delta", delta: "x" } as const;
    expect(stamper.stamp(delta).ts).toBe("2026-01-01T00:00:01.500Z");
    expect(stamper.stamp(delta).ts).toBe("2026-01-01T00:00:03.000Z");
  });

  it("writes the same timestamp as toISOString across milliseconds, seconds and days", () => {
    const start = Date.UTC(2026, 11, 31, 23, 59, 58, 990);
    const steps = [0, 1, 5, 9, 10, 11, 99, 100, 101, 999, 1000, 1001, 1009, 1010, 1999, 2000];
    let ms = start;
    const stamper = new EventStamper("run-3", 0, () => new Date(ms));
    for (const step of steps) {
      ms = start + step;
      expect(stamper.stamp({ type: "text.delta", delta: "x" }).ts).toBe(new Date(ms).toISOString());
    }
    // Going back in time (a clock adjusted) still gives that time.
    ms = Date.UTC(2025, 5, 1, 12, 0, 0, 7);
    expect(stamper.stamp({ type: "text.delta", delta: "x" }).ts).toBe("2025-06-01T12:00:00.007Z");
  });
});

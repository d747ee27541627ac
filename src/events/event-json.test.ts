import { describe, expect, it } from "vitest";
import { batchJson, madeBatchJson } from "./event-json.js";
import { EventStamper, type CrewEvent } from "./protocol.js";

describe("batchJson", () => {
  it("gives each event's JSON, made once per batch array", () => {
    let reads = 0;
    const stamper = new EventStamper("run-json");
    const quoted = stamper.stamp({ type: "text.delta", agent: "a", task: "t", delta: 'a "b"\n' });
    // Counts how often the event is serialised: JSON.stringify reads every property.
    const counted = Object.defineProperty(
      { ...stamper.stamp({ type: "text.delta", delta: "x" }) },
      "delta",
      {
        enumerable: true,
        get: () => {
          reads += 1;
          return "x";
        },
      },
    ) as CrewEvent;
    const batch = [quoted, counted];
    expect(madeBatchJson(batch)).toBeUndefined();
    const json = batchJson(batch);
    expect(json).toEqual([JSON.stringify(quoted), JSON.stringify({ ...counted })]);
    expect(JSON.parse(json[0]!)).toEqual(quoted);
    reads = 0;
    expect(batchJson(batch)).toBe(json);
    expect(madeBatchJson(batch)).toBe(json);
    expect(reads).toBe(0);
    // Another array of the same events is another batch: nothing made for it yet.
    expect(madeBatchJson([...batch])).toBeUndefined();
  });
});

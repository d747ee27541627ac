import { describe, expect, it } from "vitest";
import { eventJson } from "./event-json.js";
import { EventStamper, type CrewEvent } from "./protocol.js";

describe("eventJson", () => {
  it("gives an event's JSON", () => {
    const stamper = new EventStamper("run-json");
    const event = stamper.stamp({ type: "text.delta", agent: "a", task: "t", delta: 'a "b"\n' });
    expect(eventJson(event)).toBe(JSON.stringify(event));
    expect(JSON.parse(eventJson(event))).toEqual(event);
    const other = stamper.stamp({ type: "text.delta", agent: "a", task: "t", delta: "c" });
    expect(eventJson(other)).toBe(JSON.stringify(other));
  });

  it("serialises each event object once, however often it is asked", () => {
    let reads = 0;
    const event = new EventStamper("run-once").stamp({
      type: "text.delta",
      agent: "a",
      task: "t",
      delta: "x",
    });
    // Counts how often the event is serialised: JSON.stringify reads every property.
    const counted = Object.defineProperty({ ...event }, "delta", {
      enumerable: true,
      get: () => {
        reads += 1;
        return "x";
      },
    }) as CrewEvent;
    const text = eventJson(counted);
    expect(eventJson(counted)).toBe(text);
    expect(eventJson(counted)).toBe(JSON.stringify(event));
    expect(reads).toBe(1);
    // Another object with the same content is serialised on its own.
    expect(eventJson({ ...event })).toBe(text);
  });
});

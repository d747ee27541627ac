import { describe, expect, it } from "vitest";
import { errorMessage, parseClientMessage } from "./socket-messages.js";

describe("parseClientMessage", () => {
  it.each([
    [{ type: "start", id: "1", crew: "research", inputs: { topic: "x", n: 2, ok: true } }],
    [{ type: "start", id: "1" }],
    [{ type: "start", id: "1", timeoutMs: 60000 }],
    [{ type: "subscribe", runId: "r", after: 3 }],
    [{ type: "cancel", runId: "r", id: "c1" }],
    [{ type: "input", runId: "r", requestId: "q", text: "" }],
    [{ type: "unsubscribe", runId: "r" }],
  ])("accepts %j", (message) => {
    const parsed = parseClientMessage(JSON.stringify(message));
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.message.type).toBe(message.type);
  });

  it("defaults start inputs to an empty object", () => {
    const parsed = parseClientMessage('{"type":"start","id":"a"}');
    expect(parsed.ok && parsed.message.type === "start" && parsed.message.inputs).toEqual({});
  });

  it.each([
    ["not json", "{", /not valid JSON/, undefined],
    ["an array", "[1]", /JSON object/, undefined],
    ["no type", '{"id":"x"}', /Unknown message type/, "x"],
    ["an unknown type", '{"type":"launch","id":"y"}', /Unknown message type "launch"/, "y"],
    ["start without id", '{"type":"start"}', /Invalid "start"/, undefined],
    ["subscribe without runId", '{"type":"subscribe","id":"s"}', /runId/, "s"],
    ["a negative cursor", '{"type":"subscribe","runId":"r","after":-1}', /after/, undefined],
    ["a fractional cursor", '{"type":"subscribe","runId":"r","after":1.5}', /after/, undefined],
    ["a zero timeoutMs", '{"type":"start","id":"t","timeoutMs":0}', /timeoutMs/, "t"],
    ["nested inputs", '{"type":"start","id":"n","inputs":{"a":{"b":1}}}', /inputs/, "n"],
    ["an unknown field", '{"type":"cancel","runId":"r","force":true}', /force/, undefined],
    ["input without text", '{"type":"input","runId":"r","requestId":"q"}', /text/, undefined],
  ])("refuses %s with a bad_request error", (_name, frame, message, id) => {
    const parsed = parseClientMessage(frame);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.code).toBe("bad_request");
    expect(parsed.error.message).toMatch(message);
    expect(parsed.error.id).toBe(id);
  });
});

describe("errorMessage", () => {
  it("leaves out absent ids", () => {
    expect(errorMessage("conflict", "m", "1", "r")).toEqual({
      type: "error",
      id: "1",
      runId: "r",
      code: "conflict",
      message: "m",
    });
  });
});

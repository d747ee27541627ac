import { describe, expect, it } from "vitest";
import { parseCursor } from "./read-json.js";

describe("parseCursor", () => {
  it("reads non-negative integers and treats absence as the start", () => {
    expect(parseCursor(undefined, "after")).toBe(0);
    expect(parseCursor("0", "after")).toBe(0);
    expect(parseCursor(" 42 ", "after")).toBe(42);
  });

  it.each(["-1", "1.5", "1e3", "abc", "", "0x10", "9999999999999999"])(
    "refuses %j as bad_cursor",
    (text) => {
      expect(() => parseCursor(text, "Last-Event-ID")).toThrow(
        /Last-Event-ID must be a non-negative integer/,
      );
    },
  );
});

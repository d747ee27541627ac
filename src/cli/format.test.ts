import { describe, expect, it } from "vitest";
import { fit, formatDuration, formatTokens, tailLines, truncate, wrapWords } from "./format.js";

describe("terminal text helpers", () => {
  it("formats durations and token counts", () => {
    expect([formatDuration(850), formatDuration(4230), formatDuration(65_000)]).toEqual([
      "850ms",
      "4.2s",
      "1m 05s",
    ]);
    expect(formatTokens(1234)).toBe("1,234 tok");
    expect(formatTokens(12, true)).toBe("~12 tok");
  });

  it("cuts and pads to a width", () => {
    expect(truncate("abcdef", 4)).toBe("abc…");
    expect(fit("ab", 4)).toBe("ab  ");
    expect(fit("abcdef", 4)).toBe("abc…");
  });

  it("wraps at word boundaries and splits words longer than a line", () => {
    expect(wrapWords("the quick brown fox", 9)).toEqual(["the quick", "brown fox"]);
    expect(wrapWords("abcdefghij k", 4)).toEqual(["abcd", "efgh", "ij k"]);
  });

  it("keeps the last lines of streamed text, without blank lines", () => {
    expect(tailLines("# Title\n\nfirst line\n\nsecond line here", 11, 2)).toEqual([
      "second line",
      "here",
    ]);
  });
});

import { describe, expect, it } from "vitest";
import {
  MAX_OFFLINE_WORDS,
  clampWords,
  requestedCount,
  requestedWords,
  wordCount,
  wordTarget,
} from "./offline-size.js";

describe("offline answer size", () => {
  it("reads the words a task asks for: ranges, minimums, maximums and round numbers", () => {
    expect(requestedWords("A markdown report of 400 to 700 words with a title")).toEqual({
      min: 400,
      max: 700,
    });
    expect(requestedWords("An essay of 400–700 words")).toEqual({ min: 400, max: 700 });
    expect(requestedWords("between 1,000 and 1,500 words")).toEqual({ min: 1000, max: 1500 });
    expect(requestedWords("Write at least 300 words.")).toEqual({ min: 300, max: 450 });
    expect(requestedWords("Keep it under 150 words.")).toEqual({ min: 0, max: 150 });
    expect(requestedWords("no more than 120 words")).toEqual({ min: 0, max: 120 });
    expect(requestedWords("no fewer than 200 words")).toEqual({ min: 200, max: 300 });
    expect(requestedWords("A 500-word blog post")).toEqual({ min: 450, max: 550 });
    expect(requestedWords("A list with 10 bullet points")).toBeUndefined();
    expect(requestedWords("At least 100000 words")).toEqual({
      min: MAX_OFFLINE_WORDS,
      max: MAX_OFFLINE_WORDS,
    });
  });

  it("ignores limits on each item or on the title", () => {
    expect(requestedWords("8 findings, each under 20 words")).toBeUndefined();
    expect(requestedWords("A title of at most 8 words and a 300-word summary")).toEqual({
      min: 270,
      max: 330,
    });
  });

  it("aims a little above the minimum, never above the maximum", () => {
    expect(wordTarget({ min: 400, max: 700 })).toBe(415);
    expect(wordTarget({ min: 0, max: 150 })).toBe(8);
    expect(wordTarget({ min: 300, max: 300 })).toBe(300);
  });

  it("counts words as a reader does, without markdown marks", () => {
    expect(wordCount("# Title\n\n- **One:** two three.\n1. Four")).toBe(5);
    expect(wordCount("")).toBe(0);
  });

  it("cuts a text to a maximum on a line or sentence boundary", () => {
    const text = "# Title\n\nOne two three. Four five six. Seven eight nine.\n\nTen eleven.";
    expect(clampWords(text, 100)).toBe(text);
    expect(clampWords(text, 8)).toBe("# Title\n\nOne two three. Four five six.");
    expect(wordCount(clampWords(text, 8))).toBeLessThanOrEqual(8);
    expect(clampWords(text, 1)).toBe("# Title");
  });

  it("reads how many items the expected output asks for, within bounds", () => {
    expect(requestedCount("A bullet list of 8 to 12 findings", 6)).toBe(8);
    expect(requestedCount("A list with 10 bullet points", 6)).toBe(10);
    expect(requestedCount("40 bullet points", 6)).toBe(12);
    expect(requestedCount("A report", 6)).toBe(6);
  });
});

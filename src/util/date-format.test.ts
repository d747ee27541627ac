import { describe, expect, it } from "vitest";
import { dateFormatProblem, formatDate } from "./date-format.js";

describe("formatDate", () => {
  const date = new Date(2025, 4, 21, 15, 7, 9); // Wednesday 21 May 2025, 15:07:09 local time

  it("writes Python's strftime directives as Python does in its default locale", () => {
    expect(formatDate(date, "%Y-%m-%d")).toBe("2025-05-21");
    expect(formatDate(date, "%B %d, %Y")).toBe("May 21, 2025");
    expect(formatDate(date, "%a %b %d %H:%M:%S %y")).toBe("Wed May 21 15:07:09 25");
    expect(formatDate(date, "%A %I %p, day %j, 100%%")).toBe("Wednesday 03 PM, day 141, 100%");
    expect(formatDate(new Date(2024, 0, 1, 0, 5), "%I:%M %p day %j")).toBe("12:05 AM day 001");
  });

  it("says what is wrong with a format it cannot write", () => {
    expect(dateFormatProblem("%Y-%m-%d")).toBeUndefined();
    expect(dateFormatProblem("%Q")).toMatch(/^%Q is not a supported directive; use %Y %y/);
    expect(dateFormatProblem("today")).toBe("it writes no part of the date; use e.g. %Y-%m-%d");
    expect(dateFormatProblem("100%%")).toBe("it writes no part of the date; use e.g. %Y-%m-%d");
    expect(dateFormatProblem("%")).toMatch(/^% is not a supported directive/);
  });
});

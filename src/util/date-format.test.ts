import { describe, expect, it } from "vitest";
import { dateFormatProblem, formatDate } from "./date-format.js";

describe("formatDate", () => {
  const date = new Date(2025, 4, 1, 15, 7, 9, 250); // Thursday 1 May 2025, 15:07:09.250 local time

  it("writes Python's strftime directives as Python does in its default locale", () => {
    expect(formatDate(date, "%Y-%m-%d")).toBe("2025-05-01");
    expect(formatDate(date, "%B %d, %Y")).toBe("May 01, 2025");
    expect(formatDate(date, "%a %b %d %H:%M:%S %y")).toBe("Thu May 01 15:07:09 25");
    expect(formatDate(date, "%A %I %p, day %j, 100%%")).toBe("Thursday 03 PM, day 121, 100%");
    expect(formatDate(new Date(2024, 0, 1, 0, 5), "%I:%M %p day %j")).toBe("12:05 AM day 001");
    expect(formatDate(date, "%c|%x|%X")).toBe("Thu May  1 15:07:09 2025|05/01/25|15:07:09");
    expect(formatDate(date, "%e|%w|%u|%U|%W|%f")).toBe(" 1|4|4|17|17|250000");
    expect(formatDate(new Date(2025, 0, 5), "%w %u %U %W")).toBe("0 7 01 00");
  });

  it("writes glibc's unpadded forms and the UTC offset", () => {
    expect(formatDate(date, "%-d %B %Y, %-I:%M")).toBe("1 May 2025, 3:07");
    expect(formatDate(date, "%z")).toMatch(/^[+-]\d{4}$/);
    expect(formatDate(date, "%Z")).not.toBe("");
  });

  it("says what is wrong with a format it cannot write", () => {
    expect(dateFormatProblem("%Y-%m-%dT%H:%M:%S%z")).toBeUndefined();
    expect(dateFormatProblem("%-d %B %Y")).toBeUndefined();
    expect(dateFormatProblem("%Q")).toMatch(/^%Q is not a supported directive; use %Y %y/);
    expect(dateFormatProblem("%-B")).toMatch(/^%-B is not a supported directive/);
    expect(dateFormatProblem("%")).toMatch(/^% is not a supported directive/);
    // CrewAI skips the date unless one of its date directives is there.
    expect(dateFormatProblem("today")).toBe(
      "it has none of %Y %m %d %H %M %S %B %b %A %a; use e.g. %Y-%m-%d",
    );
    expect(dateFormatProblem("%j %%")).toMatch(/^it has none of/);
  });
});

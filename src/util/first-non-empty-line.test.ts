import { expect, it } from "vitest";
import { firstNonEmptyLine } from "./first-non-empty-line.js";

it("takes the first line with content, trimmed, across line endings", () => {
  expect(firstNonEmptyLine("\n\n  Write it.\nThen check.")).toBe("Write it.");
  expect(firstNonEmptyLine("  \r\n\tResearch {topic}  \r\nmore")).toBe("Research {topic}");
  expect(firstNonEmptyLine("")).toBe("");
  expect(firstNonEmptyLine(" \n \n")).toBe("");
});

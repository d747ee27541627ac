import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { containedPathProblem, resolveContained } from "./contained-path.js";

describe("contained paths", () => {
  it("accepts relative file paths and resolves them inside the root", () => {
    expect(containedPathProblem("report.md")).toBeUndefined();
    expect(resolveContained("/data/run1", "out/report.md")).toBe(
      join("/data/run1", "out/report.md"),
    );
  });

  it("refuses absolute paths, '..', empty names and folders", () => {
    expect(containedPathProblem("/etc/passwd")).toMatch(/absolute/);
    expect(containedPathProblem("C:\\x.txt")).toMatch(/absolute/);
    expect(containedPathProblem("a/../../b.md")).toMatch(/\.\./);
    expect(containedPathProblem("..")).toMatch(/\.\./);
    expect(containedPathProblem("")).toMatch(/must name a file/);
    expect(containedPathProblem("out/")).toMatch(/not a folder/);
    expect(resolveContained("/data/run1", "../run2/x.md")).toBeUndefined();
  });
});

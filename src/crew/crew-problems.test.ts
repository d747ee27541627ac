import { describe, expect, it } from "vitest";
import {
  closestMatch,
  describeType,
  didYouMean,
  formatProblem,
  InvalidCrewError,
} from "./crew-problems.js";

describe("formatProblem", () => {
  it("writes file, line and key path, leaving out what a problem lacks", () => {
    expect(formatProblem({ file: "tasks.yaml", line: 14, path: "a.agent", message: "m" })).toBe(
      "tasks.yaml:14 (a.agent): m",
    );
    expect(formatProblem({ file: "tasks.yaml", line: 1, message: "m" })).toBe("tasks.yaml:1: m");
    expect(formatProblem({ file: "tasks.yaml", message: "m" })).toBe("tasks.yaml: m");
  });
});

describe("InvalidCrewError", () => {
  it("is an invalid_crew CrewError keeping the problems", () => {
    const problems = [{ file: "agents.yaml", line: 2, path: "x.role", message: "is required" }];
    const error = new InvalidCrewError("demo", problems);
    expect(error.code).toBe("invalid_crew");
    expect(error.name).toBe("CrewError");
    expect(error.problems).toEqual(problems);
    expect(error.message).toBe(
      'Crew "demo" is invalid (1 problem):\n  agents.yaml:2 (x.role): is required',
    );
  });
});

describe("suggestions", () => {
  it("suggests close names only", () => {
    expect(closestMatch("reseacher", ["researcher", "writer"])).toBe("researcher");
    expect(closestMatch("Role", ["role", "goal"])).toBe("role");
    expect(closestMatch("painter", ["researcher", "writer"])).toBeUndefined();
    expect(didYouMean("expected_ouput", ["description", "expected_output"])).toBe(
      ' (did you mean "expected_output"?)',
    );
    expect(didYouMean("zzz", [])).toBe("");
  });

  it("describes YAML values by type", () => {
    expect([null, [], {}, 3, true, "s"].map(describeType)).toEqual([
      "nothing",
      "a list",
      "a mapping",
      "the number 3",
      "true",
      "a string",
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { CrewError } from "../events/index.js";
import { parseInputs } from "./parse-inputs.js";

describe("parseInputs", () => {
  it("keeps key=value inputs as strings, splitting at the first =", () => {
    expect(parseInputs(["topic=AI agents", "year=2026", "query=a=b"])).toEqual({
      topic: "AI agents",
      year: "2026",
      query: "a=b",
    });
  });

  it("keeps JSON types and lets key=value override", () => {
    expect(parseInputs(["topic=x"], '{"year":2026,"draft":true,"topic":"y"}')).toEqual({
      year: 2026,
      draft: true,
      topic: "x",
    });
  });

  it("rejects malformed pairs and JSON that is not a flat object", () => {
    expect(() => parseInputs(["topic"])).toThrow(CrewError);
    expect(() => parseInputs(["=x"])).toThrow(/key=value/);
    expect(() => parseInputs([], "[1]")).toThrow(/JSON object/);
    expect(() => parseInputs([], "{")).toThrow(/not valid JSON/);
  });
});

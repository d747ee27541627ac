import { describe, expect, it } from "vitest";
import { CrewError } from "../events/index.js";
import {
  fillKnownPlaceholders,
  interpolate,
  interpolateCrew,
  placeholdersOf,
  requiredInputs,
} from "./interpolate.js";
import type { CrewDefinition } from "./types.js";

function errorOf(run: () => unknown): CrewError {
  try {
    run();
  } catch (error) {
    if (CrewError.is(error)) return error;
    throw error;
  }
  throw new Error("expected a CrewError");
}

const crew: CrewDefinition = {
  name: "demo",
  process: "sequential",
  agents: [
    {
      key: "researcher",
      role: "{topic} Researcher",
      goal: "Study {topic} for {audience}",
      backstory: "Curious.",
      tools: [],
      allowDelegation: false,
      maxIter: 20,
    },
  ],
  tasks: [
    {
      key: "research_task",
      description: 'Research {topic} in {year}. Answer as {"field": "value"}.',
      expectedOutput: "Notes for {audience}.",
      agent: "researcher",
      context: [],
      humanInput: false,
    },
  ],
  defaultInputs: { year: 2025 },
};

describe("placeholdersOf", () => {
  it("finds {identifier} placeholders once each, in order", () => {
    expect(placeholdersOf("{b} and {a}, again {b}; {snake_case} {kebab-case} {_x}")).toEqual([
      "b",
      "a",
      "snake_case",
      "kebab-case",
      "_x",
    ]);
  });

  it("leaves JSON, doubled braces, numbers and spaced text alone", () => {
    expect(placeholdersOf('{"key": 1} {{escaped}} {1st} { spaced } {a.b} {}')).toEqual([]);
  });
});

describe("interpolate", () => {
  it("fills strings, numbers and booleans as text and keeps other braces", () => {
    const text = interpolate('{topic} x{count} ({ok}) {"json": true} {{topic}}', {
      topic: "AI",
      count: 3,
      ok: false,
    });
    expect(text).toBe('AI x3 (false) {"json": true} {{topic}}');
  });

  it("does not re-interpolate placeholders that appear in values", () => {
    expect(interpolate("{a}", { a: "{b}", b: "no" })).toBe("{b}");
  });

  it("throws missing_input naming the placeholder and where it is used", () => {
    const error = errorOf(() =>
      interpolate("About {topic}", {}, "task research_task's description"),
    );
    expect(error.code).toBe("missing_input");
    expect(error.message).toBe(
      `Missing input "topic" (used in task research_task's description); give it a value in the run's inputs.`,
    );
  });

  it("does not take values from the prototype chain", () => {
    expect(errorOf(() => interpolate("{toString}", {})).code).toBe("missing_input");
  });

  it("refuses values that are not text, numbers or booleans", () => {
    const inputs = { topic: { nested: true } } as unknown as Record<string, string>;
    expect(errorOf(() => interpolate("{topic}", inputs)).code).toBe("bad_request");
  });
});

describe("requiredInputs", () => {
  it("lists placeholders of agents and tasks without defaults, sorted", () => {
    expect(requiredInputs(crew)).toEqual(["audience", "topic"]);
    expect(requiredInputs({ ...crew, defaultInputs: {} })).toEqual(["audience", "topic", "year"]);
  });
});

describe("interpolateCrew", () => {
  it("fills every text field from inputs over defaults without changing the original", () => {
    const filled = interpolateCrew(crew, { topic: "bees", audience: "farmers", year: 2026 });
    expect(filled.agents[0]).toMatchObject({
      role: "bees Researcher",
      goal: "Study bees for farmers",
      backstory: "Curious.",
    });
    expect(filled.tasks[0]).toMatchObject({
      description: 'Research bees in 2026. Answer as {"field": "value"}.',
      expectedOutput: "Notes for farmers.",
    });
    expect(crew.agents[0]?.role).toBe("{topic} Researcher");
    expect(interpolateCrew(crew, { topic: "t", audience: "a" }).tasks[0]?.description).toContain(
      "in 2025.",
    );
  });

  it("names every missing input and each place it is used in one error", () => {
    const error = errorOf(() => interpolateCrew(crew, {}));
    expect(error.code).toBe("missing_input");
    expect(error.message).toBe(
      `Missing inputs "topic" (used in agent researcher's role, agent researcher's goal, task research_task's description), ` +
        `"audience" (used in agent researcher's goal, task research_task's expected_output); give them values in the run's inputs.`,
    );
  });

  it("keeps the extra fields of a loaded crew", () => {
    const loaded = { ...crew, kind: "crew" as const };
    expect(interpolateCrew(loaded, { topic: "t", audience: "a" }).kind).toBe("crew");
  });
});

describe("fillKnownPlaceholders", () => {
  it("fills what the inputs give by the same rules as interpolate, and leaves the rest", () => {
    const text = "{topic} for {target-audience}, not {{topic}}, {missing} or {1x}";
    const inputs = { topic: "AI", "target-audience": "CTOs", year: 2026 };
    expect(fillKnownPlaceholders(text, inputs)).toBe(
      "AI for CTOs, not {{topic}}, {missing} or {1x}",
    );
    expect(fillKnownPlaceholders("in {year}", inputs)).toBe(interpolate("in {year}", inputs));
  });
});

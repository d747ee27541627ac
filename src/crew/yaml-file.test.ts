import { describe, expect, it } from "vitest";
import { parseYaml } from "./yaml-file.js";

describe("parseYaml", () => {
  const source = [
    "# comment",
    "researcher: &base",
    "  role: R",
    "  tools:",
    "    - read_file",
    "    - fetch_url",
    "writer:",
    "  <<: *base",
    "  goal: >",
    "    folded",
    "    text",
    "",
  ].join("\n");

  it("locates keys and list items by path, falling back to the nearest ancestor", () => {
    const file = parseYaml(source, "agents.yaml");
    expect(file.problems).toEqual([]);
    expect(file.lineOf([])).toBe(2);
    expect(file.lineOf(["researcher"])).toBe(2);
    expect(file.lineOf(["researcher", "role"])).toBe(3);
    expect(file.lineOf(["researcher", "tools", 1])).toBe(6);
    expect(file.lineOf(["writer", "goal"])).toBe(9);
    expect(file.lineOf(["writer", "role"])).toBe(7);
    expect(file.lineOf(["nobody", "role"])).toBe(2);
  });

  it("applies merge keys as CrewAI's PyYAML does", () => {
    const file = parseYaml(source, "agents.yaml");
    expect(file.value).toEqual({
      researcher: { role: "R", tools: ["read_file", "fetch_url"] },
      writer: { role: "R", tools: ["read_file", "fetch_url"], goal: "folded text\n" },
    });
  });

  it("reports duplicate keys at any depth with both lines and no value", () => {
    const file = parseYaml("a:\n  - x: 1\n    y: 2\n    x: 3\n", "tasks.yaml");
    expect(file.value).toBeUndefined();
    expect(file.problems).toEqual([
      {
        file: "tasks.yaml",
        line: 4,
        path: "a.0.x",
        message: 'duplicate key "x" (first defined on line 2); keep only one',
      },
    ]);
  });

  it("reports syntax errors with their line and no value", () => {
    const file = parseYaml("a:\n  b: [1, 2\nc: 3\n", "crew.yaml");
    expect(file.value).toBeUndefined();
    expect(file.problems).toHaveLength(1);
    expect(file.problems[0]).toMatchObject({ file: "crew.yaml", line: 3 });
    expect(file.problems[0]?.message).toMatch(/^YAML syntax error: /);
  });

  it("gives no value and no problem for an empty file", () => {
    const file = parseYaml("# nothing yet\n", "agents.yaml");
    expect(file.value).toBeUndefined();
    expect(file.problems).toEqual([]);
  });
});

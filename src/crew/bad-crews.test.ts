import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CrewError } from "../events/index.js";
import { InvalidCrewError } from "./crew-problems.js";
import { loadCrew } from "./load-crew.js";

const corpus = join(import.meta.dirname, "fixtures", "bad-crews");

/**
 * One row per folder of fixtures/bad-crews: where the (first) problem is and words that must
 * be in its message. `path` is absent for problems about a whole file.
 */
interface BadCrew {
  name: string;
  file: string;
  line?: number;
  path?: string;
  says: string;
  problems?: number;
}

const table: BadCrew[] = [
  { name: "yaml-syntax", file: "agents.yaml", line: 5, says: "YAML syntax error" },
  { name: "multi-document", file: "agents.yaml", line: 5, says: "multiple documents" },
  {
    name: "duplicate-key",
    file: "agents.yaml",
    line: 4,
    path: "researcher.role",
    says: 'duplicate key "role" (first defined on line 2)',
  },
  {
    name: "duplicate-agent",
    file: "agents.yaml",
    line: 11,
    path: "researcher",
    says: 'duplicate key "researcher"',
  },
  {
    name: "unknown-agent",
    file: "tasks.yaml",
    line: 4,
    path: "research_task.agent",
    says: 'unknown agent "reseacher" (did you mean "researcher"?); known agents: researcher, writer',
  },
  {
    // The misspelt key is a warning; the key it misses is the problem.
    name: "unknown-agent-key",
    file: "agents.yaml",
    line: 1,
    path: "researcher.role",
    says: "is required",
  },
  {
    name: "unknown-key-and-missing-tool",
    file: "tasks.yaml",
    line: 1,
    path: "research_task.expected_output",
    says: "is required",
    problems: 2,
  },
  {
    name: "unknown-task-key",
    file: "tasks.yaml",
    line: 1,
    path: "research_task.expected_output",
    says: "is required",
  },
  {
    name: "missing-role",
    file: "agents.yaml",
    line: 1,
    path: "researcher.role",
    says: "is required",
  },
  { name: "null-goal", file: "agents.yaml", line: 3, path: "researcher.goal", says: "is empty" },
  {
    name: "empty-role",
    file: "agents.yaml",
    line: 2,
    path: "researcher.role",
    says: "must not be empty",
  },
  {
    name: "wrong-type-max-iter",
    file: "agents.yaml",
    line: 5,
    path: "researcher.max_iter",
    says: "must be a number, got a string",
  },
  {
    name: "zero-max-rpm",
    file: "agents.yaml",
    line: 5,
    path: "researcher.max_rpm",
    says: "greater than 0",
  },
  {
    name: "bad-date-format",
    file: "agents.yaml",
    line: 6,
    path: "researcher.date_format",
    says: "%Q is not a supported directive",
  },
  {
    name: "tools-not-list",
    file: "agents.yaml",
    line: 5,
    path: "researcher.tools",
    says: "must be a list",
  },
  {
    name: "unknown-tool",
    file: "agents.yaml",
    line: 7,
    path: "researcher.tools.1",
    says: 'unknown tool "fetch_ur" (did you mean "fetch_url"?)',
  },
  {
    name: "human-input-not-boolean",
    file: "tasks.yaml",
    line: 5,
    path: "research_task.human_input",
    says: "must be true or false",
  },
  {
    name: "context-unknown-task",
    file: "tasks.yaml",
    line: 11,
    path: "writing_task.context.0",
    says: 'unknown task "reserch_task" in context (did you mean "research_task"?)',
  },
  {
    name: "context-cycle",
    file: "tasks.yaml",
    line: 5,
    path: "research_task.context.0",
    says: "context cycle: research_task -> writing_task -> research_task",
  },
  {
    name: "context-later-task",
    file: "tasks.yaml",
    line: 6,
    path: "research_task.context.0",
    says: '"writing_task" comes after "research_task"',
  },
  {
    name: "context-self",
    file: "tasks.yaml",
    line: 5,
    path: "research_task.context.0",
    says: "cannot be its own context",
  },
  { name: "empty-agents", file: "agents.yaml", says: "is empty; define at least one agent" },
  { name: "empty-tasks", file: "tasks.yaml", line: 1, says: "defines no tasks" },
  {
    name: "missing-tasks-file",
    file: "tasks.yaml",
    says: 'not found in "missing-tasks-file/" or "missing-tasks-file/config/"',
  },
  {
    name: "task-without-agent",
    file: "tasks.yaml",
    line: 6,
    path: "writing_task",
    says: "in a sequential crew every task needs",
  },
  { name: "hierarchical-without-agents", file: "agents.yaml", line: 1, says: "defines no agents" },
  {
    name: "bad-process",
    file: "crew.yaml",
    line: 2,
    path: "process",
    says: 'got "sequentail" (did you mean "sequential"?)',
  },
  {
    name: "bad-default-input",
    file: "crew.yaml",
    line: 3,
    path: "inputs.topic",
    says: "must be a string, a number or true/false, got a list",
  },
  {
    name: "bad-command",
    file: "crew.yaml",
    line: 2,
    path: "command",
    says: "must be a list, got a string",
  },
  {
    name: "agents-not-mapping",
    file: "agents.yaml",
    line: 1,
    says: "must map each agent's key to its settings, got a list",
  },
  {
    name: "agent-not-mapping",
    file: "agents.yaml",
    line: 1,
    path: "researcher",
    says: "must be a mapping of agent settings, got a string",
  },
  {
    name: "bad-entry-key",
    file: "agents.yaml",
    line: 5,
    path: "lead researcher",
    says: 'agent key "lead researcher" must start with',
  },
  {
    name: "config-layout-error",
    file: "config/tasks.yaml",
    line: 9,
    path: "writing_task.agent",
    says: 'unknown agent "editor"',
  },
  {
    name: "both-locations",
    file: "agents.yaml",
    says: "agents.yaml and config/agents.yaml both exist",
  },
];

async function loadError(name: string): Promise<InvalidCrewError> {
  const error: unknown = await loadCrew(join(corpus, name)).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error, `${name} should not load`).toBeInstanceOf(InvalidCrewError);
  return error as InvalidCrewError;
}

describe("bad crews corpus", () => {
  it("has a row for every fixture folder and at least 18 cases", () => {
    // Only folders are cases; .prettierrc.json keeps the formatter off these malformed files.
    const folders = readdirSync(corpus, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(table.map((row) => row.name).sort()).toEqual(folders);
    expect(folders.length).toBeGreaterThanOrEqual(18);
  });

  it.each(table)("$name: invalid_crew naming $file, its key and line", async (row) => {
    const error = await loadError(row.name);
    expect(CrewError.is(error)).toBe(true);
    expect(error.code).toBe("invalid_crew");
    const where = row.line === undefined ? row.file : `${row.file}:${row.line}`;
    const located = row.path === undefined ? `${where}: ` : `${where} (${row.path}): `;
    const line = error.message.split("\n").find((text) => text.includes(located));
    expect(line, `no line with "${located}" in:\n${error.message}`).toBeDefined();
    expect(line).toContain(row.says);
    expect(error.problems.length).toBe(row.problems ?? 1);
    expect(error.problems[0]).toMatchObject({
      file: row.file,
      ...(row.line === undefined ? {} : { line: row.line }),
      ...(row.path === undefined ? {} : { path: row.path }),
    });
  });

  it("lists every problem on its own line after a headline", async () => {
    const error = await loadError("unknown-key-and-missing-tool");
    expect(error.message.split("\n")).toEqual([
      'Crew "unknown-key-and-missing-tool" is invalid (2 problems):',
      "  tasks.yaml:1 (research_task.expected_output): is required",
      '  agents.yaml:6 (researcher.tools.0): unknown tool "fetch_ur" (did you mean "fetch_url"?); available tools: read_file, fetch_url, web_search, list_files, write_file, SerperDevTool, TavilySearchTool, BraveSearchTool, ScrapeWebsiteTool, FileReadTool, DirectoryReadTool, FileWriterTool (register others on the crew, export them from tools.js, or name an MCP server\'s tool as <server>/<tool>)',
    ]);
  });

  it("names the crew by crew.yaml's name when it has one", async () => {
    const error = await loadError("hierarchical-without-agents");
    expect(error.message).toMatch(/^Crew "managed" is invalid/);
  });
});

describe("unknown keys", () => {
  it("are warnings with file, line and a suggestion; the crew still loads", async () => {
    const crew = await loadCrew(
      join(import.meta.dirname, "fixtures", "good-crews", "unknown-keys"),
    );
    expect(crew.process).toBe("sequential");
    expect(crew.warnings).toContainEqual({
      file: "crew.yaml",
      line: 2,
      key: "proces",
      message: expect.stringContaining('did you mean "process"?') as string,
    });
  });

  it("keep the problems of the keys they miss", async () => {
    const error = await loadError("unknown-agent-key");
    expect(error.problems).toHaveLength(1);
    expect(error.message).not.toContain('"rol"');
  });
});

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { interpolateCrew } from "./interpolate.js";
import { loadCrew } from "./load-crew.js";
import type { LoadedCrew } from "./load-crew.js";
import type { CrewDefinition } from "./types.js";

const fixtures = join(import.meta.dirname, "fixtures", "good-crews");
const example = resolve(import.meta.dirname, "..", "..", "examples", "research-crew");

/** The definition part of a loaded crew, as a crew built in code would have it. */
function definitionOf(crew: LoadedCrew): CrewDefinition {
  const {
    kind: _kind,
    warnings: _warnings,
    files: _files,
    sources: _sources,
    ...definition
  } = crew;
  return definition;
}

describe("loadCrew: the research-crew example", () => {
  it("loads three agents and three chained tasks with CrewAI's defaults", async () => {
    const crew = await loadCrew(example);
    expect(crew).toMatchObject({
      name: "research-crew",
      process: "sequential",
      kind: "crew",
      dir: example,
    });
    expect(crew.agents.map((agent) => agent.key)).toEqual(["researcher", "writer", "reviewer"]);
    expect(crew.tasks.map((task) => [task.key, task.agent, task.context])).toEqual([
      ["research_task", "researcher", []],
      ["writing_task", "writer", ["research_task"]],
      ["review_task", "reviewer", ["writing_task"]],
    ]);
    for (const agent of crew.agents) {
      expect(agent).toMatchObject({ tools: [], allowDelegation: false, maxIter: 20 });
      expect(agent.llm).toBeUndefined();
      expect(agent.goal).toContain("{topic}");
    }
    expect(crew.defaultInputs).toEqual({ topic: "AI agents in production" });
    expect(crew.warnings).toEqual([]);
    expect(crew.files).toEqual(["crew.yaml", "agents.yaml", "tasks.yaml"]);
  });

  it("trims the folded text of `>` blocks", async () => {
    const crew = await loadCrew(example);
    const task = crew.tasks[0];
    expect(task?.description.startsWith("Research {topic}. Collect")).toBe(true);
    expect(task?.description.endsWith("\n")).toBe(false);
  });
});

describe("loadCrew: missing inputs", () => {
  it("names the file and line of every use of a missing input", async () => {
    const crew = await loadCrew(join(fixtures, "config-layout"));
    expect(() => interpolateCrew(crew, {})).toThrow(
      'Missing input "product" (used in config/agents.yaml:4 analyst.goal, config/tasks.yml:2 sizing_task.description)',
    );
    expect(interpolateCrew(crew, { product: "kites" }).tasks[0]?.description).toBe(
      "Estimate the market for kites in Europe.",
    );
  });
});

describe("loadCrew: layouts and settings", () => {
  it("reads agents and tasks from config/, .yml included, with crew.yaml beside it", async () => {
    const crew = await loadCrew(join(fixtures, "config-layout"));
    expect(crew.files).toEqual(["crew.yaml", "config/agents.yaml", "config/tasks.yml"]);
    expect(crew.name).toBe("config-layout");
    expect(crew.defaultInputs).toEqual({ region: "Europe" });
    expect(crew.tasks[0]?.agent).toBe("analyst");
  });

  it("equals the same crew built in code", async () => {
    const crew = await loadCrew(join(fixtures, "hierarchical"), { knownTools: ["search_notes"] });
    const shared = {
      backstory: "Works well with others.",
      llm: "openai/gpt-4o-mini",
      allowDelegation: false,
      maxIter: 5,
      maxRpm: 30,
      injectDate: true,
      dateFormat: "%B %d, %Y",
    };
    const inCode: CrewDefinition = {
      name: "managed-crew",
      process: "hierarchical",
      managerLlm: "offline",
      agents: [
        {
          key: "researcher",
          role: "Researcher",
          goal: "Find facts about {topic}",
          tools: ["fetch_url", "search_notes"],
          ...shared,
        },
        { key: "writer", role: "Writer", goal: "Write about {topic}", tools: [], ...shared },
      ],
      tasks: [
        {
          key: "research_task",
          description: "Research {topic}.",
          expectedOutput: "Notes.",
          context: [],
          humanInput: false,
          tools: ["read_file"],
        },
        {
          key: "report_task",
          description: "Report on {topic} for {audience}.",
          expectedOutput: "A report.",
          context: ["research_task"],
          humanInput: true,
        },
      ],
      defaultInputs: { topic: "robots", depth: 3, draft: false },
      dir: join(fixtures, "hierarchical"),
      allowPrivateUrls: true,
    };
    expect(definitionOf(crew)).toStrictEqual(inCode);
  });

  it("rejects a tool that is neither built in nor registered", async () => {
    await expect(loadCrew(join(fixtures, "hierarchical"))).rejects.toThrow(
      /agents\.yaml:6 \(researcher\.tools\.1\): unknown tool "search_notes"/,
    );
  });

  it("loads a process crew from a crew.yaml with command", async () => {
    const crew = await loadCrew(join(fixtures, "process-crew"));
    expect(crew).toMatchObject({
      name: "python-crew",
      kind: "process",
      command: ["python3", "run.py", "--json"],
      timeoutMs: 120000,
      env: { CREW_REGION: "eu-west" },
      agents: [],
      tasks: [],
      defaultInputs: { topic: "AI agents" },
    });
  });

  it("accepts CrewAI keys it does not use, with located warnings", async () => {
    const crew = await loadCrew(join(fixtures, "crewai-extras"));
    const warnings = crew.warnings.map(
      (warning) => `${warning.file}:${warning.line ?? "?"} ${warning.key}`,
    );
    expect(warnings.sort()).toEqual(
      [
        "agents.yaml:5 researcher.memory",
        "agents.yaml:6 researcher.cache",
        "crew.yaml:1 manager_llm",
        "crew.yaml:5 inputs.unused",
      ].sort(),
    );
    expect(crew.tasks[0]).toStrictEqual({
      key: "research_task",
      description: "Research {topic}.",
      expectedOutput: "Findings.",
      agent: "researcher",
      context: [],
      humanInput: false,
      outputFile: "report.md",
      markdown: true,
    });
  });
});

describe("loadCrew: several problems", () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("reports the problems of every file in one error, each on its own line", async () => {
    dir = await mkdtemp(join(tmpdir(), "crewstream-many-"));
    await writeFile(join(dir, "crew.yaml"), "process: parallel\n");
    await writeFile(
      join(dir, "agents.yaml"),
      "writer:\n  role: W\n  goal: G\n  backstory: B\n  max_iter: -1\n",
    );
    await writeFile(
      join(dir, "tasks.yaml"),
      "draft:\n  description: D\n  expected_output: E\n  agent: writter\n  context: [outline]\n",
    );
    const error = (await loadCrew(dir).then(
      () => undefined,
      (thrown: unknown) => thrown,
    )) as Error;
    expect(error).toMatchObject({ code: "invalid_crew" });
    const lines = error.message
      .split("\n")
      .slice(1)
      .map((line) => line.trim());
    expect(lines).toEqual([
      'crew.yaml:1 (process): must be one of sequential, hierarchical, got "parallel"',
      "agents.yaml:5 (writer.max_iter): must be greater than 0",
      'tasks.yaml:4 (draft.agent): unknown agent "writter" (did you mean "writer"?); known agents: writer',
      'tasks.yaml:5 (draft.context.0): unknown task "outline" in context; known tasks: draft',
    ]);
  });
});

describe("loadCrew: folders that are not crews", () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it("answers crew_not_found for a missing folder", async () => {
    await expect(loadCrew(join(fixtures, "no-such-crew"))).rejects.toMatchObject({
      code: "crew_not_found",
    });
  });

  it("answers crew_not_found for a file instead of a folder", async () => {
    await expect(loadCrew(join(example, "agents.yaml"))).rejects.toMatchObject({
      code: "crew_not_found",
    });
  });

  it("reports both missing files of an empty folder", async () => {
    dir = await mkdtemp(join(tmpdir(), "crewstream-empty-"));
    const error = await loadCrew(dir).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ code: "invalid_crew" });
    expect(String((error as Error).message)).toMatch(
      /agents\.yaml: not found[\s\S]*tasks\.yaml: not found/,
    );
  });

  it("refuses __proto__ as an agent key", async () => {
    dir = await mkdtemp(join(tmpdir(), "crewstream-proto-"));
    await writeFile(join(dir, "agents.yaml"), "__proto__:\n  role: R\n  goal: G\n  backstory: B\n");
    await writeFile(join(dir, "tasks.yaml"), "t:\n  description: D\n  expected_output: E\n");
    await expect(loadCrew(dir)).rejects.toThrow(
      /agents\.yaml:1 \(__proto__\): agent key "__proto__" is reserved/,
    );
  });

  it("refuses a file over the size limit", async () => {
    dir = await mkdtemp(join(tmpdir(), "crewstream-big-"));
    await writeFile(join(dir, "agents.yaml"), `# ${"x".repeat(1024 * 1024)}\n`);
    await writeFile(join(dir, "tasks.yaml"), "t:\n  description: d\n  expected_output: e\n");
    await expect(loadCrew(dir)).rejects.toThrow(
      /agents\.yaml: is \d+ bytes; crew files must be under/,
    );
  });
});

describe("loadCrew: output schemas, guardrails and output files", () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  async function crewWithTask(task: string, files: Record<string, string> = {}) {
    const dir = await mkdtemp(join(tmpdir(), "crewstream-schemas-"));
    dirs.push(dir);
    await writeFile(
      join(dir, "agents.yaml"),
      "analyst:\n  role: Analyst\n  goal: Analyse\n  backstory: Careful.\n",
    );
    await writeFile(
      join(dir, "tasks.yaml"),
      `brief:\n  description: Brief.\n  expected_output: JSON.\n  agent: analyst\n${task}`,
    );
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    return loadCrew(dir);
  }

  it("reads an inline schema, a schema file, a guardrail and an output file", async () => {
    const inline = await crewWithTask(
      "  output_schema:\n    type: object\n    properties:\n      title: { type: string }\n  guardrail: Names a source.\n  guardrail_max_retries: 1\n  output_file: out/brief.json\n",
    );
    expect(inline.tasks[0]).toMatchObject({
      outputSchema: { type: "object", properties: { title: { type: "string" } } },
      guardrail: "Names a source.",
      guardrailMaxRetries: 1,
      outputFile: "out/brief.json",
    });
    const fromFile = await crewWithTask("  output_json: brief.json\n", {
      "brief.json": '{"type":"object","required":["title"]}',
    });
    expect(fromFile.tasks[0]?.outputSchema).toEqual({ type: "object", required: ["title"] });
    expect(fromFile.warnings).toEqual([]);
  });

  it("warns that a CrewAI class name gives no schema, and keeps the task", async () => {
    const crew = await crewWithTask("  output_pydantic: ResearchReport\n");
    expect(crew.tasks[0]?.outputSchema).toBeUndefined();
    expect(crew.warnings).toEqual([
      expect.objectContaining({
        file: "tasks.yaml",
        line: 5,
        key: "brief.output_pydantic",
        message: expect.stringContaining("schemas/ResearchReport.json") as string,
      }),
    ]);
  });

  it("reports a missing schema file and an output file outside the folder at their lines", async () => {
    const messageOf = (task: string) =>
      crewWithTask(task).then(
        () => "",
        (thrown: unknown) => (thrown as Error).message,
      );
    await expect(messageOf("  output_schema: missing.json\n")).resolves.toContain(
      'tasks.yaml:5 (brief.output_schema): schema file "missing.json" not found',
    );
    await expect(messageOf("  output_file: ../escape.md\n")).resolves.toContain(
      "tasks.yaml:5 (brief.output_file): must not leave the output folder",
    );
    await expect(messageOf("  output_file: /etc/x.md\n")).resolves.toContain("absolute path");
  });
});

import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Crew } from "../engine/crew.js";
import { requiredInputs } from "./interpolate.js";
import { loadCrew } from "./load-crew.js";
import { scaffoldCrew } from "./scaffold.js";

const PACKAGE_ROOT = join(import.meta.dirname, "../..");
let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "crewstream-init-"));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("scaffoldCrew", () => {
  it("writes a tools module with --tools, whose tool the writer uses in a run", async () => {
    const result = await scaffoldCrew(join(root, "tooled"), { tools: true });
    expect(result.files).toEqual([
      "agents.yaml",
      "tasks.yaml",
      "crew.yaml",
      "README.md",
      "tools.mjs",
    ]);
    const crew = await loadCrew(result.dir);
    expect(crew.warnings).toEqual([]);
    expect(Object.keys(crew.tools ?? {})).toEqual(["word_count"]);
    expect(crew.agents.find((agent) => agent.key === "writer")?.tools).toEqual(["word_count"]);
    const counted = await crew.tools?.["word_count"]?.execute?.(
      { text: "three short words" },
      { toolCallId: "1", messages: [] },
    );
    expect(counted).toBe("3 words");
    const end = (await new Crew(crew).kickoff({}, { model: "offline" })).status;
    expect(end).toBe("completed");
  });

  it("writes a crew that loads without warnings and needs no inputs", async () => {
    const result = await scaffoldCrew(join(root, "my-crew"));
    expect(result).toEqual({
      dir: join(root, "my-crew"),
      name: "my-crew",
      files: ["agents.yaml", "tasks.yaml", "crew.yaml", "README.md"],
    });
    expect((await readdir(result.dir)).sort()).toEqual([
      "README.md",
      "agents.yaml",
      "crew.yaml",
      "tasks.yaml",
    ]);
    const crew = await loadCrew(result.dir);
    expect(crew).toMatchObject({ name: "my-crew", process: "sequential", warnings: [] });
    expect(crew.tasks.map((task) => [task.key, task.agent, task.context])).toEqual([
      ["research_task", "researcher", []],
      ["writing_task", "writer", ["research_task"]],
    ]);
    expect(requiredInputs(crew)).toEqual([]);
    expect(await readFile(join(result.dir, "README.md"), "utf8")).toContain(
      "npx crewstream run my-crew",
    );
  });

  it("runs to completion on the offline model", async () => {
    const { dir } = await scaffoldCrew(join(root, "offline-crew"));
    const crew = new Crew(await loadCrew(dir));
    const result = await crew.kickoff(
      { topic: "tide pools" },
      { model: "offline", collectEvents: true },
    );
    expect(result.status).toBe("completed");
    expect(result.result).toBeTruthy();
    const ends = (result.events ?? [])
      .filter((event) => event.type === "task.end")
      .map((event) => event.task);
    expect(ends).toEqual(["research_task", "writing_task"]);
  });

  it("uses the given name in crew.yaml", async () => {
    const { dir } = await scaffoldCrew(join(root, "folder"), { name: "named.crew" });
    expect((await loadCrew(dir)).name).toBe("named.crew");
  });

  it("writes into an existing empty folder", async () => {
    await mkdir(join(root, "empty"));
    await expect(scaffoldCrew(join(root, "empty"))).resolves.toMatchObject({ name: "empty" });
  });

  it("refuses to overwrite any existing file and then writes nothing", async () => {
    const dir = join(root, "taken");
    await mkdir(dir);
    await writeFile(join(dir, "tasks.yaml"), "mine: {}\n");
    await expect(scaffoldCrew(dir)).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringContaining("tasks.yaml"),
    });
    expect(await readdir(dir)).toEqual(["tasks.yaml"]);
    expect(await readFile(join(dir, "tasks.yaml"), "utf8")).toBe("mine: {}\n");
  });

  it("refuses a name that cannot be a crew name", async () => {
    await expect(scaffoldCrew(join(root, "x"), { name: "../evil" })).rejects.toMatchObject({
      code: "bad_request",
    });
    await expect(scaffoldCrew(join(root, "has space"))).rejects.toMatchObject({
      code: "bad_request",
    });
  });

  it("writes a CrewAI project with the bridge module that loads as a process crew", async () => {
    const result = await scaffoldCrew(join(root, "py-crew"), { python: true });
    expect(result.files.sort()).toEqual(
      [
        "README.md",
        "config/agents.yaml",
        "config/tasks.yaml",
        "crew.yaml",
        "crew/crewstream_bridge.py",
        "crew/run.py",
      ].sort(),
    );
    const crew = await loadCrew(result.dir);
    expect(crew).toMatchObject({
      name: "py-crew",
      kind: "process",
      command: ["python3", "crew/run.py"],
      warnings: [],
    });
    expect(crew.tasks.map((task) => task.key)).toEqual([
      "research_task",
      "analysis_task",
      "reporting_task",
    ]);
    const bridge = await readFile(join(result.dir, "crew/crewstream_bridge.py"), "utf8");
    expect(bridge).toBe(await readFile(join(PACKAGE_ROOT, "python/crewstream_bridge.py"), "utf8"));
    const runPy = await readFile(join(result.dir, "crew/run.py"), "utf8");
    expect(runPy).toContain("import crewstream_bridge");
    expect(runPy).toContain("crewstream_bridge.install(crew)");
    // CrewAI is not installed here: compiling proves both files are valid Python.
    const compiled = spawnSync(
      "python3",
      ["-m", "py_compile", "crew/run.py", "crew/crewstream_bridge.py"],
      { cwd: result.dir, encoding: "utf8", env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" } },
    );
    expect(compiled.stderr).toBe("");
    expect(compiled.status).toBe(0);
  });
});

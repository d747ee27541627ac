import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Crew } from "../engine/crew.js";
import { requiredInputs } from "./interpolate.js";
import { loadCrew } from "./load-crew.js";
import { scaffoldCrew } from "./scaffold.js";

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "crewstream-init-"));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("scaffoldCrew", () => {
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
});

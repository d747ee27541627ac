import { cp, mkdir, mkdtemp, readFile, rm, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CrewCatalog } from "./crew-catalog.js";

const example = resolve(import.meta.dirname, "..", "..", "examples", "research-crew");
const fixtures = join(import.meta.dirname, "fixtures");

let root: string;
let crews: string;
let outside: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "crewstream-catalog-"));
  crews = join(root, "crews");
  outside = join(root, "outside");
  await cp(example, join(crews, "research-crew"), { recursive: true });
  await cp(join(fixtures, "good-crews", "process-crew"), join(crews, "python-crew"), {
    recursive: true,
  });
  await cp(join(fixtures, "bad-crews", "unknown-agent"), join(crews, "broken"), {
    recursive: true,
  });
  await mkdir(join(crews, "notes"), { recursive: true });
  await writeFile(join(crews, "notes", "README.md"), "not a crew\n");
  await mkdir(join(crews, ".hidden"), { recursive: true });
  await cp(example, join(crews, ".hidden"), { recursive: true });
  await writeFile(join(crews, "loose.yaml"), "a: 1\n");
  await cp(example, join(outside, "secret-crew"), { recursive: true });
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("CrewCatalog.list", () => {
  it("takes the crew whose crew.yaml says default: true over the alphabetically first", async () => {
    await cp(example, join(crews, "alpha-crew"), { recursive: true });
    await writeFile(join(crews, "alpha-crew", "crew.yaml"), "name: alpha-crew\n");
    const catalog = new CrewCatalog({ dirs: [crews] });
    const defaults = (await catalog.list()).filter((crew) => crew.default);
    expect(defaults.map((crew) => crew.name)).toEqual(["research-crew"]);
    expect(await catalog.resolveDefault()).toBe("research-crew");
    await writeFile(
      join(crews, "research-crew", "crew.yaml"),
      "name: research-crew\ninputs:\n  topic: x\n",
    );
    expect(await new CrewCatalog({ dirs: [crews] }).resolveDefault()).toBe("alpha-crew");
  });

  it("lists crew folders with agents, tasks and required inputs; broken ones with their error", async () => {
    // Without a configured default, the first engine crew that loads is the default.
    const catalog = new CrewCatalog({ dirs: [crews] });
    const list = await catalog.list();
    expect(list.map((crew) => crew.name)).toEqual(["broken", "python-crew", "research-crew"]);
    const [broken, python, research] = list;
    expect(broken).toMatchObject({
      name: "broken",
      default: false,
      agents: [],
      tasks: [],
      inputs: [],
    });
    expect(broken?.error?.code).toBe("invalid_crew");
    expect(broken?.error?.message).toContain(
      'tasks.yaml:4 (research_task.agent): unknown agent "reseacher"',
    );
    expect(python).toMatchObject({
      kind: "process",
      process: "sequential",
      default: false,
      inputs: [],
    });
    expect(research).toMatchObject({
      kind: "crew",
      default: true,
      process: "sequential",
      inputs: [],
      dir: join(crews, "research-crew"),
      tasks: [
        { key: "research_task", agent: "researcher" },
        { key: "writing_task", agent: "writer" },
        { key: "review_task", agent: "reviewer" },
      ],
    });
    expect(research?.agents.map((agent) => agent.key)).toEqual([
      "researcher",
      "writer",
      "reviewer",
    ]);
    expect(research?.agents[0]?.role).toBe("{topic} Senior Research Analyst");
  });

  it("falls back to a process crew when no engine crew loads", async () => {
    await rm(join(crews, "research-crew"), { recursive: true });
    const list = await new CrewCatalog({ dirs: [crews] }).list();
    expect(list.filter((crew) => crew.default).map((crew) => crew.name)).toEqual(["python-crew"]);
  });

  it("marks the configured default and lets earlier folders hide later ones", async () => {
    const second = join(root, "more");
    await cp(example, join(second, "research-crew"), { recursive: true });
    await cp(join(fixtures, "good-crews", "config-layout"), join(second, "market"), {
      recursive: true,
    });
    const catalog = new CrewCatalog({
      dirs: [crews, second, join(root, "missing")],
      defaultName: "research-crew",
    });
    const list = await catalog.list();
    expect(list.map((crew) => [crew.name, crew.default])).toEqual([
      ["broken", false],
      ["market", false],
      ["python-crew", false],
      ["research-crew", true],
    ]);
    expect(list.find((crew) => crew.name === "research-crew")?.dir).toBe(
      join(crews, "research-crew"),
    );
    expect(list.find((crew) => crew.name === "market")?.inputs).toEqual(["product"]);
  });
});

describe("CrewCatalog.load", () => {
  it("loads by name, and the default crew without one", async () => {
    const catalog = new CrewCatalog({ dirs: [crews], defaultName: "research-crew" });
    const crew = await catalog.load("research-crew");
    expect(crew.tasks).toHaveLength(3);
    expect((await catalog.load()).name).toBe("research-crew");
    expect((await catalog.load("python-crew")).name).toBe("python-crew");
  });

  it("refuses names that are paths", async () => {
    const catalog = new CrewCatalog({ dirs: [crews] });
    for (const name of [
      "../outside/secret-crew",
      "..",
      "/etc",
      "a/b",
      ".hidden",
      "",
      "research-crew/",
    ]) {
      await expect(catalog.load(name), name).rejects.toMatchObject({ code: "bad_request" });
    }
  });

  it("answers crew_not_found for unknown names, listing the known ones", async () => {
    const catalog = new CrewCatalog({ dirs: [crews] });
    await expect(catalog.load("reserch-crew")).rejects.toMatchObject({
      code: "crew_not_found",
      message:
        'No crew named "reserch-crew"; known crews: broken, python-crew, research-crew (did you mean "research-crew"?).',
    });
    await expect(catalog.load("notes")).rejects.toMatchObject({ code: "crew_not_found" });
  });

  it("does not follow symlinks out of the crews folder, but does inside it", async () => {
    await symlink(join(outside, "secret-crew"), join(crews, "escape"), "dir");
    await symlink(join(crews, "research-crew"), join(crews, "alias"), "dir");
    const catalog = new CrewCatalog({ dirs: [crews] });
    await expect(catalog.load("escape")).rejects.toMatchObject({ code: "crew_not_found" });
    expect((await catalog.list()).map((crew) => crew.name)).not.toContain("escape");
    expect((await catalog.load("alias")).name).toBe("alias");
  });

  it("surfaces invalid_crew for a broken crew", async () => {
    const catalog = new CrewCatalog({ dirs: [crews] });
    await expect(catalog.load("broken")).rejects.toMatchObject({ code: "invalid_crew" });
  });

  it("serves a cached crew until one of its files changes", async () => {
    const catalog = new CrewCatalog({ dirs: [crews] });
    const first = await catalog.loadDir(join(crews, "research-crew"));
    expect(await catalog.loadDir(join(crews, "research-crew"))).toBe(first);
    const file = join(crews, "research-crew", "crew.yaml");
    await writeFile(
      file,
      (await readFile(file, "utf8")).replace("AI agents in production", "bees"),
    );
    const later = new Date(Date.now() + 5_000);
    await utimes(file, later, later);
    const second = await catalog.loadDir(join(crews, "research-crew"));
    expect(second).not.toBe(first);
    expect(second.defaultInputs).toEqual({ topic: "bees" });
  });
});

describe("CrewCatalog.resolveDir", () => {
  it("resolves names in the crews folders and paths anywhere", async () => {
    const catalog = new CrewCatalog({ dirs: [crews] });
    expect(await catalog.resolveDir("research-crew")).toBe(join(crews, "research-crew"));
    expect(await catalog.resolveDir(join(outside, "secret-crew"))).toBe(
      join(outside, "secret-crew"),
    );
    await expect(catalog.resolveDir(join(root, "nowhere"))).rejects.toMatchObject({
      code: "crew_not_found",
    });
    await expect(catalog.resolveDir("nowhere")).rejects.toMatchObject({ code: "crew_not_found" });
  });
});

import { cp, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type * as FsPromises from "node:fs/promises";
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { CrewCatalog } from "./crew-catalog.js";

// Every call the catalog makes to the file system through node:fs/promises is counted.
const fsCalls = vi.hoisted(() => ({ count: 0 }));
vi.mock("node:fs/promises", async (importOriginal) => {
  const real = await importOriginal<typeof FsPromises>();
  const counted =
    <A extends unknown[], R>(fn: (...args: A) => R) =>
    (...args: A): R => {
      fsCalls.count += 1;
      return fn(...args);
    };
  return {
    ...real,
    default: real,
    stat: counted(real.stat),
    lstat: counted(real.lstat),
    realpath: counted(real.realpath),
    readdir: counted(real.readdir),
    readFile: counted(real.readFile),
  };
});

const example = resolve(import.meta.dirname, "..", "..", "examples", "research-crew");
let root: string;
let crews: string;
let catalog: CrewCatalog | undefined;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "crewstream-watch-"));
  crews = join(root, "crews");
  await cp(example, join(crews, "research-crew"), { recursive: true });
});

afterEach(async () => {
  catalog?.close();
  catalog = undefined;
  await rm(root, { recursive: true, force: true });
});

it("starts runs from memory: loading a crew again reads no file", async () => {
  catalog = new CrewCatalog({ dirs: [crews], watch: true });
  await catalog.list();
  await catalog.load("research-crew");
  fsCalls.count = 0;
  for (let i = 0; i < 20; i++) {
    expect((await catalog.load("research-crew")).name).toBe("research-crew");
    expect((await catalog.load()).name).toBe("research-crew");
    await catalog.list();
  }
  expect(fsCalls.count).toBe(0);
  // The same loads without watching check the files every time (the counter does count).
  const checking = new CrewCatalog({ dirs: [crews] });
  await checking.load("research-crew");
  fsCalls.count = 0;
  await checking.load("research-crew");
  expect(fsCalls.count).toBeGreaterThan(0);
});

it("picks up an edited crew file, a new crew and a removed one", async () => {
  catalog = new CrewCatalog({ dirs: [crews], watch: true });
  const before = await catalog.load("research-crew");
  expect(before.agents.map((agent) => agent.key)).toContain("researcher");
  const agentsFile = join(crews, "research-crew", "agents.yaml");
  const agents = await readFile(agentsFile, "utf8");
  await writeFile(agentsFile, agents.replace("{topic} Senior Research Analyst", "Chief Analyst"));
  await vi.waitFor(async () => {
    const crew = await catalog!.load("research-crew");
    expect(crew.agents.find((agent) => agent.key === "researcher")?.role).toBe("Chief Analyst");
  });

  await cp(example, join(crews, "second-crew"), { recursive: true });
  await vi.waitFor(async () => {
    expect((await catalog!.list()).map((entry) => entry.name)).toEqual([
      "research-crew",
      "second-crew",
    ]);
  });
  expect((await catalog.load("second-crew")).name).toBe("second-crew");

  await rename(join(crews, "second-crew"), join(root, "moved-away"));
  await vi.waitFor(async () => {
    await expect(catalog!.load("second-crew")).rejects.toMatchObject({ code: "crew_not_found" });
  });
});

it("falls back to checking the files when the crews folder cannot be watched", async () => {
  const missing = join(root, "not-yet");
  catalog = new CrewCatalog({ dirs: [missing], watch: true });
  expect(await catalog.list()).toEqual([]);
  await cp(example, join(missing, "late-crew"), { recursive: true });
  expect((await catalog.load("late-crew")).name).toBe("late-crew");
});

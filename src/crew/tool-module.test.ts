import { mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidCrewError } from "./crew-problems.js";
import { CrewCatalog } from "./crew-catalog.js";
import { loadCrew } from "./load-crew.js";

let root: string;
let count = 0;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "crewstream-tool-module-"));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A tool without imports: what `tool({...})` returns is a plain object like this. */
const TOOL = (answer: string) =>
  `{ description: "d", inputSchema: { "~standard": { version: 1, vendor: "t", validate: (v) => ({ value: v }) } }, execute: async () => ${JSON.stringify(answer)} }`;

async function crewWith(files: Record<string, string>, tools = "[lookup]"): Promise<string> {
  count += 1;
  const dir = path.join(root, `crew-${count}`);
  await mkdir(dir, { recursive: true });
  await writeFile(
    path.join(dir, "agents.yaml"),
    `a:\n  role: R\n  goal: G\n  backstory: B\n  tools: ${tools}\n`,
  );
  await writeFile(
    path.join(dir, "tasks.yaml"),
    "t:\n  description: D\n  expected_output: E\n  agent: a\n",
  );
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}

async function problemsOf(dir: string) {
  try {
    await loadCrew(dir);
  } catch (error) {
    if (error instanceof InvalidCrewError) return error.problems;
    throw error;
  }
  return [];
}

describe("a crew folder's tools module", () => {
  it("exports tools by name that agents may list in tools:", async () => {
    const dir = await crewWith({
      "tools.mjs": `export const lookup = ${TOOL("found")};\nexport const VERSION = 2;\n`,
    });
    const crew = await loadCrew(dir);
    expect(Object.keys(crew.tools ?? {})).toEqual(["lookup"]);
    expect(crew.files).toContain("tools.mjs");
    expect(crew.warnings).toContainEqual(
      expect.objectContaining({
        file: "tools.mjs",
        key: "VERSION",
        message: expect.stringMatching(/not an AI SDK tool/),
      }),
    );
  });

  it("takes a default export's tools by key, and loads tools.js and tools.ts too", async () => {
    for (const file of ["tools.js", "tools.ts"]) {
      const body = `export default { lookup: ${TOOL(file)} };\n`;
      // tools.js is ESM only in an ESM package: give it one.
      const extra = file === "tools.js" ? { "package.json": '{ "type": "module" }' } : {};
      const crew = await loadCrew(await crewWith({ [file]: body, ...extra }));
      const found = crew.tools?.["lookup"];
      expect(await found?.execute?.({}, { toolCallId: "1", messages: [] })).toBe(file);
    }
  });

  it("reports a module that throws as the crew's problem, listed by the catalog", async () => {
    const dir = await crewWith({ "tools.mjs": 'throw new Error("SHEET_TOKEN is not set");\n' });
    expect(await problemsOf(dir)).toEqual([
      { file: "tools.mjs", message: "could not be loaded: SHEET_TOKEN is not set" },
    ]);
    const catalog = new CrewCatalog({ dirs: [root] });
    const listed = (await catalog.list()).find((c) => c.dir === dir);
    expect(listed?.error).toMatchObject({
      code: "invalid_crew",
      message: expect.stringMatching(/tools\.mjs: could not be loaded: SHEET_TOKEN is not set/),
    });
  });

  it("reports a module without tools, and two modules at once", async () => {
    expect(
      await problemsOf(await crewWith({ "tools.mjs": "export const x = 1;\n" })),
    ).toContainEqual(
      expect.objectContaining({
        file: "tools.mjs",
        message: expect.stringMatching(/exports no tools/),
      }),
    );
    const both = await crewWith({
      "tools.mjs": `export const lookup = ${TOOL("a")};`,
      "tools.ts": `export const lookup = ${TOOL("b")};`,
    });
    expect(await problemsOf(both)).toContainEqual({
      file: "tools.mjs",
      message: "tools.mjs and tools.ts both exist; keep only one tools module",
    });
  });

  it("is loaded afresh by the catalog when the file changes", async () => {
    const dir = await crewWith({ "tools.mjs": `export const lookup = ${TOOL("first")};` });
    const catalog = new CrewCatalog({ dirs: [root] });
    const call = async () =>
      (await catalog.loadDir(dir)).tools?.["lookup"]?.execute?.(
        {},
        { toolCallId: "1", messages: [] },
      );
    expect(await call()).toBe("first");
    await writeFile(path.join(dir, "tools.mjs"), `export const lookup = ${TOOL("second")};`);
    const later = new Date(Date.now() + 5_000);
    await utimes(path.join(dir, "tools.mjs"), later, later);
    expect(await call()).toBe("second");
  });

  it("is needed for a tool name nothing else knows", async () => {
    const problems = await problemsOf(await crewWith({}, "[lookup]"));
    expect(problems[0]).toMatchObject({
      file: "agents.yaml",
      path: "a.tools.0",
      message: expect.stringMatching(/unknown tool "lookup".*export them from tools\.js/),
    });
  });
});

import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadCrew } from "../crew/index.js";
import type { CrewEvent } from "../events/index.js";
import { resolveModel } from "../llm/index.js";
import { reply, startFakeOpenAI, type FakeOpenAI } from "../testing/index.js";
import { Crew } from "./crew.js";
import {
  startFakeSearchServer,
  type FakeSearchServer,
} from "./tools/test-support/fake-search-server.js";

let fake: FakeOpenAI;
let search: FakeSearchServer;
let root: string;
let crewDir: string;

const AGENTS = `researcher:
  role: Researcher
  goal: Find things out
  backstory: Ported from CrewAI.
  tools:
    - SerperDevTool
    - ScrapeWebsiteTool
    - FileReadTool
    - DirectoryReadTool
    - FileWriterTool
`;
const TASKS = `research:
  description: Research tides.
  expected_output: A short report.
  agent: researcher
`;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  search = await startFakeSearchServer();
  root = await mkdtemp(path.join(tmpdir(), "crewstream-crewai-tools-"));
  crewDir = path.join(root, "ported");
  await mkdir(path.join(crewDir, "notes"), { recursive: true });
  await writeFile(path.join(crewDir, "agents.yaml"), AGENTS);
  await writeFile(path.join(crewDir, "tasks.yaml"), TASKS);
  await writeFile(path.join(crewDir, "crew.yaml"), "allow_private_urls: true\n");
  await writeFile(path.join(crewDir, "notes", "tides.md"), "Tides follow the moon.");
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await fake.close();
  await search.close();
  await rm(root, { recursive: true, force: true });
});

async function run(crew: Crew, outputDir: string): Promise<CrewEvent[]> {
  const model = resolveModel("compatible/fake", { env: { CREWSTREAM_BASE_URL: fake.baseURL } });
  const events: CrewEvent[] = [];
  for await (const event of crew.stream({}, { model, outputDir })) events.push(event);
  return events;
}

function results(events: CrewEvent[]) {
  return events.flatMap((e) =>
    e.type === "tool.result" ? [{ tool: e.tool, result: e.result, error: e.error?.message }] : [],
  );
}

describe("CrewAI tool names in a ported crew", () => {
  it("warns at load time about a search tool without a key", async () => {
    const loaded = await loadCrew(crewDir, { env: {} });
    expect(loaded.warnings).toContainEqual(
      expect.objectContaining({
        file: "agents.yaml",
        line: 6,
        key: "researcher.tools.0",
        message: expect.stringMatching(
          /"SerperDevTool" needs SERPER_API_KEY or TAVILY_API_KEY or BRAVE_API_KEY/,
        ),
      }),
    );
    const withKey = await loadCrew(crewDir, { env: { BRAVE_API_KEY: "b" } });
    expect(withKey.warnings.filter((w) => w.message.includes("SerperDevTool"))).toEqual([]);
  });

  it("runs each mapped tool under its CrewAI name", async () => {
    vi.stubEnv("SERPER_API_KEY", "serper-key");
    vi.stubEnv("SERPER_BASE_URL", search.baseURL);
    const outputDir = path.join(root, "out-1");
    const crew = new Crew(await loadCrew(crewDir));
    fake.script([
      reply.toolCall("SerperDevTool", { query: "tides" }),
      reply.toolCall("ScrapeWebsiteTool", { url: `${search.baseURL}/res/v1/web/search?q=moon` }),
      reply.toolCall("FileReadTool", { path: "notes/tides.md" }),
      reply.toolCall("DirectoryReadTool", {}),
      reply.toolCall("FileWriterTool", { filename: "report.md", content: "# Tides\nThe moon." }),
      reply.toolCall("FileWriterTool", { filename: "../escape.md", content: "no" }),
      reply.text("Report written."),
    ]);
    const events = await run(crew, outputDir);
    expect(events.at(-1)).toMatchObject({ type: "run.end", status: "completed" });
    const seen = results(events);
    expect(seen.map((r) => r.tool)).toEqual([
      "SerperDevTool",
      "ScrapeWebsiteTool",
      "FileReadTool",
      "DirectoryReadTool",
      "FileWriterTool",
      "FileWriterTool",
    ]);
    expect(seen[0]?.result).toMatch(/^1\. Result 1 for tides\nhttps:\/\/example.com\/1/);
    expect(search.requests.find((r) => r.provider === "serper")).toEqual({
      provider: "serper",
      key: "serper-key",
      query: "tides",
    });
    expect(seen[1]?.result).toContain("Result 1 for moon");
    expect(seen[2]?.result).toBe("Tides follow the moon.");
    expect(seen[3]?.result).toBe("agents.yaml\ncrew.yaml\nnotes/tides.md\ntasks.yaml");
    expect(seen[4]?.result).toMatch(/Wrote 17 bytes to report.md/);
    expect(await readFile(path.join(outputDir, "report.md"), "utf8")).toBe("# Tides\nThe moon.");
    expect(seen[5]?.error).toMatch(/leaves the run's output folder/);
    vi.unstubAllEnvs();
  });

  it("turns a missing search key into a tool error the model sees, not a failed run", async () => {
    for (const key of ["SERPER_API_KEY", "TAVILY_API_KEY", "BRAVE_API_KEY"]) vi.stubEnv(key, "");
    const crew = new Crew(await loadCrew(crewDir));
    fake.script([reply.toolCall("SerperDevTool", { query: "tides" }), reply.text("No search.")]);
    const before = fake.requests.length;
    const events = await run(crew, path.join(root, "out-2"));
    expect(events.at(-1)).toMatchObject({
      type: "run.end",
      status: "completed",
      result: "No search.",
    });
    expect(results(events)).toEqual([
      {
        tool: "SerperDevTool",
        result: undefined,
        error: expect.stringMatching(/web_search is not configured: set SERPER_API_KEY/),
      },
    ]);
    expect(JSON.stringify(fake.requests[before + 1]?.body)).toContain(
      "web_search is not configured",
    );
    vi.unstubAllEnvs();
  });
});

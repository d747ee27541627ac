import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FILESYSTEM_SERVER, processesWith } from "../engine/test-support/mcp-servers.js";
import { parseEvent, type CrewEvent } from "../events/index.js";
import { reply, startFakeOpenAI, type FakeOpenAI } from "../testing/index.js";
import { collectCli, runCli, spawnCli } from "./test-support/run-cli.js";

const EXAMPLES = path.join(import.meta.dirname, "..", "..", "examples");

let fake: FakeOpenAI;
let root: string;
let crews: string;
let data: string;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  root = await mkdtemp(path.join(tmpdir(), "crewstream-cli-tools-"));
  crews = path.join(root, "crews");
  // The data folder's unique path marks the MCP server's process in `ps`.
  data = path.join(root, "data");
  await mkdir(data, { recursive: true });
  await writeFile(path.join(data, "hello.txt"), "Hello over stdio.");
  const files = path.join(crews, "files");
  await mkdir(files, { recursive: true });
  await writeFile(
    path.join(files, "crew.yaml"),
    `mcp_servers:\n  fs:\n    command: ${JSON.stringify([process.execPath, FILESYSTEM_SERVER, data])}\n`,
  );
  await writeFile(
    path.join(files, "agents.yaml"),
    "reader:\n  role: Reader\n  goal: Read\n  backstory: Careful.\n  mcps: [fs]\n",
  );
  await writeFile(
    path.join(files, "tasks.yaml"),
    "read:\n  description: Read hello.txt.\n  expected_output: Its text.\n  agent: reader\n",
  );
  const broken = path.join(crews, "broken-tools");
  await mkdir(broken, { recursive: true });
  await writeFile(
    path.join(broken, "agents.yaml"),
    "a:\n  role: R\n  goal: G\n  backstory: B\n  tools: [sheet_lookup]\n",
  );
  await writeFile(
    path.join(broken, "tasks.yaml"),
    "t:\n  description: D\n  expected_output: E\n  agent: a\n",
  );
  await writeFile(path.join(broken, "tools.mjs"), 'throw new Error("SHEET_TOKEN is not set");\n');
});

afterAll(async () => {
  await fake.close();
  await rm(root, { recursive: true, force: true });
});

function eventsOf(jsonl: string): CrewEvent[] {
  return jsonl
    .split("\n")
    .filter((line) => line.trim() !== "")
    .flatMap((line) => {
      const parsed = parseEvent(JSON.parse(line));
      return parsed.ok && parsed.event !== null ? [parsed.event] : [];
    });
}

const env = () => ({ CREWSTREAM_BASE_URL: fake.baseURL, CREWSTREAM_MODEL: "compatible/fake" });

describe("crewstream run with MCP servers", { timeout: 120_000 }, () => {
  it("streams an MCP tool's call and result, and leaves no server process behind", async () => {
    fake.script([
      reply.toolCall("read_text_file", { path: path.join(data, "hello.txt") }),
      reply.text("It says hello."),
    ]);
    const result = await runCli(["run", path.join(crews, "files"), "--jsonl", "--no-persist"], {
      env: env(),
    });
    expect(result.code).toBe(0);
    const events = eventsOf(result.stdout);
    expect(events.find((e) => e.type === "tool.call")).toMatchObject({ tool: "read_text_file" });
    expect(events.find((e) => e.type === "tool.result")).toMatchObject({
      tool: "read_text_file",
      result: "Hello over stdio.",
    });
    expect(events.at(-1)).toMatchObject({ type: "run.end", status: "completed" });
    expect(processesWith(data)).toEqual([]);
  });

  it("runs the MCP example crew", async () => {
    const notes = path.join(EXAMPLES, "tools-mcp-crew", "notes");
    fake.script([
      reply.toolCall("list_directory", { path: notes }),
      reply.toolCall("read_text_file", { path: path.join(notes, "tides.md") }),
      reply.text("Spring tides, says notes/tides.md."),
    ]);
    const result = await runCli(
      ["run", path.join(EXAMPLES, "tools-mcp-crew"), "--jsonl", "--no-persist"],
      { env: env() },
    );
    expect(result.code).toBe(0);
    const outcomes = eventsOf(result.stdout).flatMap((e) =>
      e.type === "tool.result" ? [[e.tool, String(e.result)]] : [],
    );
    expect(outcomes[0]).toEqual(["list_directory", "[FILE] tides.md"]);
    expect(outcomes[1]?.[0]).toBe("read_text_file");
    expect(outcomes[1]?.[1]).toContain("spring tides");
  });
});

describe("crewstream init --tools", { timeout: 120_000 }, () => {
  it("scaffolds a crew with a tools module whose tool runs", async () => {
    const init = await runCli(["init", "tooled", "--tools"], { cwd: root });
    expect(init.code).toBe(0);
    expect(init.stdout).toContain("tools.mjs");
    fake.script([
      reply.text("Findings."),
      reply.toolCall("word_count", { text: "a short report" }),
      reply.text("A report of 3 words."),
    ]);
    const result = await runCli(["run", "./tooled", "--jsonl", "--no-persist"], {
      cwd: root,
      env: env(),
    });
    expect(result.code).toBe(0);
    expect(eventsOf(result.stdout).find((e) => e.type === "tool.result")).toMatchObject({
      agent: "writer",
      tool: "word_count",
      result: "3 words",
    });
  });
});

describe("crewstream serve with tool modules and MCP servers", { timeout: 120_000 }, () => {
  it("lists a crew whose tools module fails with the error, runs module tools, and stops MCP servers on shutdown", async () => {
    const child = spawnCli(["serve", "--crews", crews, EXAMPLES, "--port", "0", "--no-persist"], {
      env: { ...env(), CREWSTREAM_TOKEN: "" },
    });
    child.stdin.end();
    const done = collectCli(child);
    const url = await new Promise<string>((resolve, reject) => {
      let seen = "";
      child.stdout.on("data", (chunk: Buffer) => {
        seen += chunk.toString("utf8");
        const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(seen);
        if (match?.[1] !== undefined) resolve(match[1]);
      });
      child.once("exit", () => reject(new Error(`serve exited early: ${seen}`)));
    });

    const listed = (await (await fetch(`${url}/api/crews`)).json()) as {
      crews: Array<{ name: string; error?: { code: string; message: string } }>;
    };
    const broken = listed.crews.find((c) => c.name === "broken-tools");
    expect(broken?.error?.code).toBe("invalid_crew");
    expect(broken?.error?.message).toMatch(
      /tools\.mjs: could not be loaded: SHEET_TOKEN is not set/,
    );
    expect(listed.crews.find((c) => c.name === "tools-module-crew")?.error).toBeUndefined();

    const start = (crew: string) =>
      fetch(`${url}/api/crew/stream`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/x-ndjson" },
        body: JSON.stringify({ crew, inputs: {} }),
      });

    fake.script([
      reply.toolCall("convert_length", { value: 42.195, from: "km", to: "mi" }),
      reply.text("About 26.2 miles."),
    ]);
    const moduleRun = eventsOf(await (await start("tools-module-crew")).text());
    expect(moduleRun.find((e) => e.type === "tool.result")).toMatchObject({
      tool: "convert_length",
      result: "42.195 km = 26.2188 mi",
    });
    expect(moduleRun.at(-1)).toMatchObject({ type: "run.end", status: "completed" });

    // A run whose model hangs after an MCP call: the server process runs until serve stops.
    fake.script([reply.toolCall("list_allowed_directories", {}), reply.hang(0)]);
    const response = await start("files");
    const reader = response.body!.getReader();
    let text = "";
    while (!text.includes('"tool.result"')) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      text += new TextDecoder().decode(value);
    }
    expect(text).toContain(data);
    expect(processesWith(data)).toHaveLength(1);

    child.kill("SIGTERM");
    const result = await done;
    expect(result.code).toBe(0);
    expect(processesWith(data)).toEqual([]);
  });
});

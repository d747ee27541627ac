import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadCrew } from "../crew/index.js";
import type { CrewEvent } from "../events/index.js";
import { resolveModel } from "../llm/index.js";
import { reply, startFakeOpenAI, type FakeOpenAI } from "../testing/index.js";
import { Crew } from "./crew.js";
import { EVERYTHING_SERVER, FILESYSTEM_SERVER, processesWith } from "./test-support/mcp-servers.js";

let fake: FakeOpenAI;
let root: string;
let count = 0;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "crewstream-mcp-"));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

// A fresh fake per test: a run stopped early may leave scripted replies unused.
beforeEach(async () => {
  fake = await startFakeOpenAI();
});

afterEach(async () => {
  await fake.close();
});

/**
 * A crew folder whose agent uses the reference filesystem server over stdio, allowed one
 * data folder whose unique path also marks the server's process in `ps`.
 */
async function mcpCrew(agentTools: string, server?: string): Promise<{ crew: Crew; data: string }> {
  count += 1;
  const dir = path.join(root, `crew-${count}`);
  const data = path.join(root, `data-${count}`);
  await mkdir(dir, { recursive: true });
  await mkdir(data, { recursive: true });
  await writeFile(path.join(data, "hello.txt"), "Hello from the MCP server.");
  const command = server ?? JSON.stringify([process.execPath, FILESYSTEM_SERVER, data]);
  await writeFile(path.join(dir, "crew.yaml"), `mcp_servers:\n  files:\n    command: ${command}\n`);
  await writeFile(
    path.join(dir, "agents.yaml"),
    `reader:\n  role: Reader\n  goal: Read files\n  backstory: Careful.\n${agentTools}\n`,
  );
  await writeFile(
    path.join(dir, "tasks.yaml"),
    "read:\n  description: Read hello.txt.\n  expected_output: Its text.\n  agent: reader\n",
  );
  return { crew: new Crew(await loadCrew(dir)), data };
}

const model = () => resolveModel("compatible/fake", { env: { CREWSTREAM_BASE_URL: fake.baseURL } });

async function run(crew: Crew, signal?: AbortSignal, stopAt?: CrewEvent["type"]) {
  const events: CrewEvent[] = [];
  for await (const event of crew.stream({}, { model: model(), ...(signal ? { signal } : {}) })) {
    events.push(event);
    if (event.type === stopAt) break;
  }
  return events;
}

describe("MCP servers (the reference filesystem server over stdio)", () => {
  it("discovers the server's tools at run start; calls stream under the tool's own name; the process is gone after run.end", async () => {
    const { crew, data } = await mcpCrew("  mcps: [files]");
    fake.script([
      reply.toolCall("read_text_file", { path: path.join(data, "hello.txt") }, "call-1"),
      reply.text("It says hello."),
    ]);
    const before = fake.requests.length;
    const events = await run(crew);
    expect(events.at(-1)).toMatchObject({
      type: "run.end",
      status: "completed",
      result: "It says hello.",
    });
    expect(events.find((e) => e.type === "tool.call")).toMatchObject({
      tool: "read_text_file",
      callId: "call-1",
      agent: "reader",
    });
    expect(events.find((e) => e.type === "tool.result")).toMatchObject({
      tool: "read_text_file",
      result: "Hello from the MCP server.",
    });
    const offered = fake.requests[before]?.body?.tools?.map((t) => t.function.name) ?? [];
    expect(offered).toEqual(
      expect.arrayContaining(["read_text_file", "list_directory", "write_file"]),
    );
    expect(processesWith(data)).toEqual([]);
  });

  it("gives an agent only the tool it names as <server>/<tool>", async () => {
    const { crew, data } = await mcpCrew("  tools: [files/list_allowed_directories]");
    fake.script([reply.toolCall("list_allowed_directories", {}), reply.text("Listed.")]);
    const before = fake.requests.length;
    const events = await run(crew);
    expect(events.at(-1)).toMatchObject({ type: "run.end", status: "completed" });
    expect(fake.requests[before]?.body?.tools?.map((t) => t.function.name)).toEqual([
      "list_allowed_directories",
    ]);
    const result = events.find((e) => e.type === "tool.result");
    expect(result?.type === "tool.result" && String(result.result)).toContain(data);
    expect(processesWith(data)).toEqual([]);
  });

  it("fails the run naming a tool the server does not have", async () => {
    const { crew, data } = await mcpCrew("  tools: [files/teleport]");
    const events = await run(crew);
    expect(events.at(-1)).toMatchObject({
      type: "run.end",
      status: "failed",
      error: {
        code: "invalid_crew",
        message: expect.stringMatching(
          /MCP server "files" has no tool "teleport"; its tools: read_file, /,
        ),
      },
    });
    expect(processesWith(data)).toEqual([]);
  });

  it("stops the server when the run is cancelled mid-stream", async () => {
    const { crew, data } = await mcpCrew("  mcps: [files]");
    fake.script([reply.toolCall("list_allowed_directories", {}), reply.hang(1)]);
    const controller = new AbortController();
    const events: CrewEvent[] = [];
    let running: number[] = [];
    for await (const event of crew.stream({}, { model: model(), signal: controller.signal })) {
      events.push(event);
      if (event.type === "text.delta") {
        running = processesWith(data);
        controller.abort();
      }
    }
    expect(running).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: "run.end", status: "cancelled" });
    expect(processesWith(data)).toEqual([]);
  });

  it("stops the server when the run fails", async () => {
    const { crew, data } = await mcpCrew("  mcps: [files]");
    fake.script([reply.toolCall("list_allowed_directories", {}), reply.unauthorized()]);
    const events = await run(crew);
    expect(events.at(-1)).toMatchObject({
      type: "run.end",
      status: "failed",
      error: { code: "provider_auth" },
    });
    expect(processesWith(data)).toEqual([]);
  });

  it("stops the server when the consumer stops reading", async () => {
    const { crew, data } = await mcpCrew("  mcps: [files]");
    fake.script([reply.toolCall("list_allowed_directories", {}), reply.hang(0)]);
    const events = await run(crew, undefined, "tool.result");
    expect(events.at(-1)?.type).toBe("tool.result");
    expect(processesWith(data)).toEqual([]);
  });

  it("fails the run with the server's name and stderr tail when it cannot start", async () => {
    const broken = JSON.stringify([
      process.execPath,
      "-e",
      "console.error('config missing: set FILES_ROOT'); process.exit(3)",
    ]);
    const { crew } = await mcpCrew("  mcps: [files]", broken);
    const before = fake.requests.length;
    const events = await run(crew);
    expect(events.at(-1)).toMatchObject({
      type: "run.end",
      status: "failed",
      error: {
        code: "tool_error",
        message: expect.stringMatching(
          /MCP server "files" .* could not start[\s\S]*config missing: set FILES_ROOT/,
        ),
      },
    });
    expect(events.some((e) => e.type === "task.start")).toBe(false);
    expect(fake.requests.length).toBe(before);
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === "object" && address !== null ? address.port : 0;
}

describe("MCP servers over Streamable HTTP (the reference everything server)", () => {
  it("calls a remote server's tool by its own name", async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [EVERYTHING_SERVER, "streamableHttp"], {
      env: { ...process.env, PORT: String(port) },
      stdio: ["ignore", "ignore", "pipe"],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stderr.on("data", (chunk: Buffer) => {
          if (chunk.toString().includes("listening")) resolve();
        });
        child.once("exit", (code) => reject(new Error(`everything server exited with ${code}`)));
      });
      const dir = path.join(root, "remote");
      await mkdir(dir, { recursive: true });
      await writeFile(
        path.join(dir, "crew.yaml"),
        `mcp_servers:\n  everything:\n    url: http://127.0.0.1:${port}/mcp\n    headers:\n      x-crew: remote\n`,
      );
      await writeFile(
        path.join(dir, "agents.yaml"),
        "echoer:\n  role: Echoer\n  goal: Echo\n  backstory: Loud.\n  tools: [everything/echo]\n",
      );
      await writeFile(
        path.join(dir, "tasks.yaml"),
        "echo:\n  description: Echo hi.\n  expected_output: The echo.\n  agent: echoer\n",
      );
      const crew = new Crew(await loadCrew(dir));
      fake.script([reply.toolCall("echo", { message: "over http" }), reply.text("Echoed.")]);
      const events = await run(crew);
      expect(events.at(-1)).toMatchObject({ type: "run.end", status: "completed" });
      expect(events.find((e) => e.type === "tool.result")).toMatchObject({
        tool: "echo",
        result: "Echo: over http",
      });
    } finally {
      child.kill();
    }
  });
});

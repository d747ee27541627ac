import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normalizeCrew } from "./crew-config.js";
import { InvalidCrewError } from "./crew-problems.js";
import { loadCrew } from "./load-crew.js";

let root: string;
let count = 0;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "crewstream-mcp-yaml-"));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function crewWith(crewYaml: string, agentExtra: string): Promise<string> {
  count += 1;
  const dir = path.join(root, `crew-${count}`);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, "crew.yaml"), crewYaml);
  await writeFile(
    path.join(dir, "agents.yaml"),
    `reader:\n  role: R\n  goal: G\n  backstory: B\n${agentExtra}`,
  );
  await writeFile(
    path.join(dir, "tasks.yaml"),
    "t:\n  description: D\n  expected_output: E\n  agent: reader\n",
  );
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

const SERVERS = `mcp_servers:
  files:
    command: [npx, -y, "@modelcontextprotocol/server-filesystem", "."]
    env:
      LOG_LEVEL: debug
    cwd: data
  remote:
    url: https://mcp.example.com/mcp
    headers:
      Authorization: Bearer \${TOKEN}
`;

describe("mcp_servers in crew.yaml", () => {
  it("declares stdio and HTTP servers that agents name with mcps: or <server>/<tool>", async () => {
    const dir = await crewWith(SERVERS, "  mcps: [files]\n  tools: [remote/search, read_file]\n");
    const crew = await loadCrew(dir);
    expect(crew.mcpServers).toEqual({
      files: {
        command: ["npx", "-y", "@modelcontextprotocol/server-filesystem", "."],
        env: { LOG_LEVEL: "debug" },
        cwd: path.join(dir, "data"),
      },
      remote: { url: "https://mcp.example.com/mcp", headers: { Authorization: "Bearer ${TOKEN}" } },
    });
    expect(crew.agents[0]).toMatchObject({
      mcps: ["files"],
      tools: ["remote/search", "read_file"],
    });
  });

  it("names the agent's line for a server crew.yaml does not declare", async () => {
    const dir = await crewWith(SERVERS, "  mcps: [file]\n  tools: [github/search, files/]\n");
    expect(await problemsOf(dir)).toEqual([
      {
        file: "agents.yaml",
        line: 6,
        path: "reader.tools.0",
        message: expect.stringMatching(
          /"github\/search" names MCP server "github", which crew.yaml's mcp_servers does not declare \(declared: files, remote\)/,
        ),
      },
      {
        file: "agents.yaml",
        line: 6,
        path: "reader.tools.1",
        message: expect.stringMatching(/"files\/" names no tool/),
      },
      {
        file: "agents.yaml",
        line: 5,
        path: "reader.mcps.0",
        message: expect.stringMatching(/MCP server "file" \(did you mean "files"\?\)/),
      },
    ]);
  });

  it("needs exactly one of command and url per server", async () => {
    const dir = await crewWith(
      "mcp_servers:\n  both:\n    command: [x]\n    url: http://127.0.0.1:1/mcp\n  neither:\n    env: { A: b }\n",
      "",
    );
    const problems = await problemsOf(dir);
    expect(problems.map((p) => [p.file, p.path, p.message])).toEqual(
      expect.arrayContaining([
        ["crew.yaml", "mcp_servers.both", expect.stringMatching(/either "command/)],
        ["crew.yaml", "mcp_servers.neither", expect.stringMatching(/either "command/)],
      ]),
    );
  });

  it("checks mcps against mcpServers in code too", () => {
    const agents = { a: { role: "R", goal: "G", backstory: "B", mcps: ["files"] } };
    const tasks = { t: { description: "D", expectedOutput: "E", agent: "a" } };
    expect(() => normalizeCrew({ agents, tasks })).toThrow(
      /agent "a": mcps names "files", which is not one of the crew's mcpServers \(none\)/,
    );
    const crew = normalizeCrew({ agents, tasks, mcpServers: { files: { command: ["srv"] } } });
    expect(crew.mcpServers).toEqual({ files: { command: ["srv"] } });
  });
});

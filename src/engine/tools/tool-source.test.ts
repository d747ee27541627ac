import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { tool } from "ai";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { FILESYSTEM_SERVER } from "../test-support/mcp-servers.js";
import { builtinToolSource } from "./builtin-tools.js";
import { openMcpToolSource } from "./mcp-tool-source.js";
import { toolSourceContract } from "./tool-source.contract.js";
import { ToolRegistry } from "./tool-registry.js";
import { recordToolSource } from "./tool-source.js";

const folders: string[] = [];

/** A temporary folder for a filesystem server, removed after the suite. */
async function folder(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  folders.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })));
});

const lookup = tool({
  description: "Look up",
  inputSchema: z.object({ q: z.string() }),
  execute: async ({ q }) => `found ${q}`,
});

toolSourceContract("the crew's tools", {
  open: async () => recordToolSource("the crew's tools", { lookup }),
  sample: { reference: "lookup", name: "lookup" },
});

toolSourceContract("built-ins and CrewAI names", {
  open: async () => builtinToolSource({ outputDir: path.join(tmpdir(), "crewstream-never") }),
  sample: { reference: "ScrapeWebsiteTool", name: "ScrapeWebsiteTool" },
});

toolSourceContract("MCP servers", {
  open: async () => {
    const dir = await folder("crewstream-mcp-contract-");
    return openMcpToolSource(
      { files: { command: [process.execPath, FILESYSTEM_SERVER, dir] } },
      ["files"],
      new AbortController().signal,
    );
  },
  sample: { reference: "files/read_text_file", name: "read_text_file" },
});

describe("ToolRegistry", () => {
  const builtins = builtinToolSource({ outputDir: path.join(tmpdir(), "crewstream-never") });

  it("asks sources in order, so the crew's tools shadow built-ins", () => {
    const own = tool({ ...lookup, description: "The crew's own read_file" });
    const registry = new ToolRegistry([recordToolSource("crew", { read_file: own }), builtins]);
    expect(registry.resolve(["read_file"], "agent").read_file).toBe(own);
    expect(registry.has("fetch_url")).toBe(true);
  });

  it("maps CrewAI names to the built-in doing the same job", () => {
    const registry = new ToolRegistry([builtins]);
    const set = registry.resolve(["FileReadTool", "read_file", "ScrapeWebsiteTool"], "agent");
    expect(Object.keys(set)).toEqual(["FileReadTool", "read_file", "ScrapeWebsiteTool"]);
    expect(set["FileReadTool"]).toBe(set["read_file"]);
    expect(set["ScrapeWebsiteTool"]).toBe(registry.resolve(["fetch_url"], "a")["fetch_url"]);
  });

  it("names the owner and the known tools for an unknown reference", () => {
    const registry = new ToolRegistry([recordToolSource("crew", { lookup }), builtins]);
    expect(() => registry.resolve(["stock_ticker"], 'agent "analyst"')).toThrow(
      /agent "analyst" uses unknown tool "stock_ticker". Known tools: lookup, read_file, fetch_url, web_search/,
    );
  });

  it("refuses two different tools under one name for one agent", async () => {
    const dir = await folder("crewstream-mcp-clash-");
    await writeFile(path.join(dir, "a.txt"), "a");
    const mcp = await openMcpToolSource(
      { files: { command: [process.execPath, FILESYSTEM_SERVER, dir] } },
      ["files"],
      new AbortController().signal,
    );
    const registry = new ToolRegistry([mcp, builtins]);
    try {
      expect(() => registry.resolve(["write_file", "files/*"], 'agent "w"')).toThrow(
        /agent "w" gets two different tools named "write_file" \(from "write_file" and "files\/\*"\)/,
      );
    } finally {
      await registry.close();
    }
  });
});

import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createListFilesTool } from "./list-files.js";
import { createWriteFileTool } from "./write-file.js";

let root: string;
let crewDir: string;
let outputDir: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "crewstream-file-tools-"));
  crewDir = path.join(root, "crew");
  outputDir = path.join(root, "output", "run-1");
  await mkdir(path.join(crewDir, "notes", "deep"), { recursive: true });
  await mkdir(path.join(crewDir, "node_modules", "x"), { recursive: true });
  await writeFile(path.join(crewDir, "agents.yaml"), "a");
  await writeFile(path.join(crewDir, "notes", "deep", "b.md"), "b");
  await writeFile(path.join(crewDir, "node_modules", "x", "index.js"), "x");
  await writeFile(path.join(root, "secret.txt"), "outside");
  await symlink(root, path.join(crewDir, "notes", "up"));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const call = { toolCallId: "1", messages: [] };

describe("list_files", () => {
  const list = (directory?: string) =>
    createListFilesTool({ dir: crewDir }).execute?.(
      directory === undefined ? {} : { directory },
      call,
    ) as Promise<string>;

  it("lists files under a folder of the crew folder, skipping node_modules and symlinks", async () => {
    await expect(list()).resolves.toBe("agents.yaml\nnotes/deep/b.md");
    await expect(list("notes")).resolves.toBe("notes/deep/b.md");
  });

  it("refuses folders outside the crew folder", async () => {
    await expect(list("..")).rejects.toThrow(/leaves the crew folder/);
    await expect(list("notes/up")).rejects.toThrow(/leaves the crew folder/);
    await expect(list(root)).rejects.toThrow(/is absolute/);
  });
});

describe("write_file", () => {
  const write = (filename: string, content = "text", overwrite?: boolean) =>
    createWriteFileTool({ outputDir, maxBytes: 64 }).execute?.(
      { filename, content, ...(overwrite === undefined ? {} : { overwrite }) },
      call,
    ) as Promise<string>;

  it("writes into the run's output folder, creating it and sub-folders", async () => {
    await expect(write("notes/summary.md", "# Sum")).resolves.toBe(
      "Wrote 5 bytes to notes/summary.md in the run's output folder.",
    );
    expect(await readFile(path.join(outputDir, "notes", "summary.md"), "utf8")).toBe("# Sum");
    await expect(write("notes/summary.md", "again", false)).rejects.toThrow(/exists/);
  });

  it("refuses paths and links leaving the folder, and oversized content", async () => {
    await expect(write("../escape.md")).rejects.toThrow(/leaves the run's output folder/);
    await expect(write(path.join(root, "abs.md"))).rejects.toThrow(/needs a path relative/);
    await mkdir(outputDir, { recursive: true });
    await symlink(root, path.join(outputDir, "link"));
    await expect(write("link/secret.txt", "pwned")).rejects.toThrow(/links outside/);
    expect(await readFile(path.join(root, "secret.txt"), "utf8")).toBe("outside");
    await expect(write("big.md", "x".repeat(65))).rejects.toThrow(/over the limit of 64 bytes/);
  });
});

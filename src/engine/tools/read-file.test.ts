import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReadFileTool } from "./read-file.js";

let root: string;
let crewDir: string;

async function read(file: string, withFolder = true): Promise<string> {
  const tool = createReadFileTool(withFolder ? { dir: crewDir, maxBytes: 1024 } : {});
  return (await tool.execute?.({ path: file }, { toolCallId: "1", messages: [] })) as string;
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "crewstream-read-file-"));
  crewDir = path.join(root, "crew");
  await mkdir(path.join(crewDir, "notes"), { recursive: true });
  await writeFile(path.join(crewDir, "notes", "brief.md"), "# Brief\nBatteries.");
  await writeFile(path.join(root, "secret.txt"), "outside");
  await writeFile(path.join(crewDir, "big.txt"), "x".repeat(2048));
  await writeFile(path.join(crewDir, "image.bin"), Buffer.from([0x89, 0x50, 0x00, 0x01]));
  await symlink(path.join(root, "secret.txt"), path.join(crewDir, "escape.txt"));
  await symlink(path.join(crewDir, "notes", "brief.md"), path.join(crewDir, "inside-link.md"));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("read_file", () => {
  it("reads a text file relative to the crew folder", async () => {
    await expect(read("notes/brief.md")).resolves.toBe("# Brief\nBatteries.");
    await expect(read("./notes/../notes/brief.md")).resolves.toContain("Batteries");
    await expect(read("inside-link.md")).resolves.toContain("Batteries");
  });

  it("refuses absolute paths, .. escapes and symlinks leading outside", async () => {
    await expect(read(path.join(root, "secret.txt"))).rejects.toThrow(/absolute/);
    await expect(read("../secret.txt")).rejects.toThrow(/leaves the crew folder/);
    await expect(read("notes/../../secret.txt")).rejects.toThrow(/leaves the crew folder/);
    await expect(read("escape.txt")).rejects.toThrow(/links outside the crew folder/);
  });

  it("refuses missing, large and binary files, and crews without a folder", async () => {
    await expect(read("nothing.md")).rejects.toThrow(/no file/);
    await expect(read("big.txt")).rejects.toThrow(/limit is 1024 bytes/);
    await expect(read("image.bin")).rejects.toThrow(/binary/);
    await expect(read("notes")).rejects.toThrow(/not a file/);
    await expect(read("notes/brief.md", false)).rejects.toThrow(/no folder/);
  });
});

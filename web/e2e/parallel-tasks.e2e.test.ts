import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveModel } from "../../src/llm/index.js";
import { startServer, type RunningServer } from "../../src/server/index.js";
import { startFakeOpenAI, type FakeOpenAI } from "../../src/testing/index.js";
import { launchBrowser } from "./support/browser.js";
import { ensureBuiltWeb } from "./support/built-web.js";
import { sendTopic, waitForRunStatus } from "./support/chat-page.js";

const CREW: Record<string, string> = {
  "crew.yaml": "name: lanes\nprocess: sequential\n",
  "agents.yaml": [
    "analyst:",
    '  role: "{topic} Analyst"',
    "  goal: Cover {topic}",
    "  backstory: Thorough.",
    "",
  ].join("\n"),
  "tasks.yaml": [
    "north_task:",
    "  description: Cover the north side of {topic}.",
    "  expected_output: A paragraph.",
    "  agent: analyst",
    "  async_execution: true",
    "south_task:",
    "  description: Cover the south side of {topic}.",
    "  expected_output: A paragraph.",
    "  agent: analyst",
    "  async_execution: true",
    "merge_task:",
    "  description: Merge both sides of {topic}.",
    "  expected_output: A summary.",
    "  agent: analyst",
    "",
  ].join("\n"),
};

let dir: string;
let fake: FakeOpenAI;
let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  const webRoot = await ensureBuiltWeb();
  dir = await mkdtemp(join(tmpdir(), "crewstream-lanes-"));
  await mkdir(join(dir, "crews", "lanes"), { recursive: true });
  for (const [file, text] of Object.entries(CREW))
    await writeFile(join(dir, "crews", "lanes", file), text);
  fake = await startFakeOpenAI();
  fake.script((request) => {
    const prompt = JSON.stringify(request.body?.messages ?? []);
    const side = /Cover the (north|south) side/.exec(prompt)?.[1];
    if (side === undefined || prompt.includes("Merge both")) return { text: "Both sides merged." };
    return {
      text: Array.from({ length: 60 }, (_, i) => `${side}-word-${i} `),
      tokenDelayMs: 40,
    };
  });
  server = await startServer({
    port: 0,
    db: join(dir, "crewstream.db"),
    crewsDirs: [join(dir, "crews")],
    model: resolveModel("compatible/fake-model", {
      env: { CREWSTREAM_BASE_URL: fake.baseURL, CREWSTREAM_API_KEY: "test-key" },
    }),
    webRoot,
    logger: { info: () => undefined, warn: () => undefined, error: console.error },
  });
  browser = await launchBrowser();
  page = await (await browser.newContext()).newPage();
  await page.goto(server.url);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await fake?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe("parallel tasks in the chat UI", () => {
  it("shows two async tasks running side by side, each streaming its own text", async () => {
    await sendTopic(page, "rivers");
    const lanes = page.locator(".crew-run .parallel-lanes").last();
    const north = lanes.locator('.task[data-task="north_task"][data-status="running"]');
    const south = lanes.locator('.task[data-task="south_task"][data-status="running"]');
    await north.locator(".task-output").waitFor({ timeout: 60_000 });
    await south.locator(".task-output").waitFor({ timeout: 60_000 });
    // Both at once, each with its own text.
    expect(await north.count()).toBe(1);
    expect(await south.count()).toBe(1);
    const northText = await north.locator(".task-output").innerText();
    const southText = await south.locator(".task-output").innerText();
    expect(northText).toContain("north-word-0");
    expect(northText).not.toContain("south-word");
    expect(southText).toContain("south-word-0");
    expect(southText).not.toContain("north-word");
    // Side by side: the two cards share a row.
    // Measured in one go: the chat scrolls as text streams in.
    const [a, b] = await lanes.evaluate((el) =>
      ["north_task", "south_task"].map((key) => {
        const box = el.querySelector(`[data-task="${key}"]`)!.getBoundingClientRect();
        return { x: box.x, y: box.y };
      }),
    );
    expect(Math.abs((a?.y ?? 0) - (b?.y ?? 1000))).toBeLessThan(4);
    expect(Math.abs((a?.x ?? 0) - (b?.x ?? 0))).toBeGreaterThan(100);
    // Both keep streaming while the other does.
    await expect
      .poll(async () => (await north.locator(".task-output").innerText()).length, {
        timeout: 10_000,
      })
      .toBeGreaterThan(northText.length);
    await waitForRunStatus(page, "completed");
    await expect(page.locator(".result .markdown").last().innerText()).resolves.toContain(
      "Both sides merged.",
    );
    expect(await page.locator(".crew-run .parallel-lanes .task").count()).toBe(2);
  });
});

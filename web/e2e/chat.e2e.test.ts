import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CrewClient } from "../../src/client/index.js";
import { startCuttableProxy } from "../../src/client/test-support/cuttable-proxy.js";
import type { CuttableProxy } from "../../src/client/test-support/cuttable-proxy.js";
import { startRealServer } from "../../src/client/test-support/real-server.js";
import type { RealServer } from "../../src/client/test-support/real-server.js";
import type { CrewEvent } from "../../src/events/index.js";
import { ensureBuiltWeb } from "./support/built-web.js";
import {
  resultHtml,
  sendTopic,
  shownRunId,
  waitForRunStatus,
  waitForStreamingText,
} from "./support/chat-page.js";
import { renderedMarkdown } from "./support/expected-markdown.js";
import { pagePerTest, screenshotFolder } from "./support/page-per-test.js";

const screenshotDir = screenshotFolder();
const screenshotPath = (name: string): string => join(screenshotDir, name);

let real: RealServer;
let proxy: CuttableProxy;
let client: CrewClient;

beforeAll(async () => {
  const webRoot = await ensureBuiltWeb();
  // The page is served through the proxy, which passes the Host header (its own port) through.
  real = await startRealServer({ tokenMs: 6, webRoot, allowedHosts: ["127.0.0.1"] });
  proxy = await startCuttableProxy(real.url);
  client = new CrewClient({ baseUrl: real.url });
});

afterAll(async () => {
  await proxy?.close();
  await real?.close();
});

const ui = pagePerTest({ url: () => proxy.url, viewport: { width: 1280, height: 860 } });
let page: Page;
beforeEach(() => ({ page } = ui));

async function events(runId: string): Promise<CrewEvent[]> {
  const out: CrewEvent[] = [];
  for await (const event of client.subscribe(runId)) out.push(event);
  return out;
}

async function expectResultOf(runId: string): Promise<void> {
  const run = await client.getRun(runId);
  expect(run.status).toBe("completed");
  const end = (await events(runId)).at(-1);
  expect(end).toMatchObject({ type: "run.end", result: run.result });
  // Serialise the expected markup through the page's DOM so both sides are printed alike.
  const expected = await page.evaluate(
    (html) => {
      const template = document.createElement("template");
      template.innerHTML = html;
      return template.innerHTML;
    },
    renderedMarkdown(run.result ?? ""),
  );
  expect(await resultHtml(page)).toBe(expected);
}

describe("the chat UI", () => {
  it("runs a crew: tasks progress live to a rendered result", async () => {
    await sendTopic(page, "ocean currents");
    await waitForStreamingText(page);
    const runId = await shownRunId(page);
    await waitForRunStatus(page, "completed");
    expect(await page.locator(".task[data-status=completed]").count()).toBe(3);
    await expect(page.locator(".bubble-user").last().innerText()).resolves.toBe("ocean currents");
    await expectResultOf(runId);
    // The page shows the run summary's tokens: per task, per agent, and their sum in the header.
    const { summary } = await client.getRun(runId);
    const { tasks, agents, usage } = summary as {
      usage: { inputTokens: number; outputTokens: number };
      tasks: Array<{ usage: { inputTokens: number; outputTokens: number } }>;
      agents: Array<{ usage: { inputTokens: number; outputTokens: number } }>;
    };
    const count = (u: { inputTokens: number; outputTokens: number }): string =>
      (u.inputTokens + u.outputTokens).toLocaleString("en-US");
    const numbers = async (selector: string): Promise<string[]> =>
      (await page.locator(selector).allInnerTexts()).map((t) => t.replace(/ (tok|tokens)$/, ""));
    expect(await numbers(".crew-run .task-tokens")).toEqual(tasks.map((t) => count(t.usage)));
    expect(await numbers(".crew-run .agent-tokens")).toEqual(agents.map((a) => count(a.usage)));
    expect(await numbers(".crew-run .run-tokens")).toEqual([count(usage)]);
    // The model's reasoning is in the task card, one collapsed thought per step, not in its output.
    const first = page.locator(".crew-run .task").first();
    await first.locator(".task-header").click();
    const thought = first.locator("[data-testid=thought]").first();
    await expect(thought.locator("summary").innerText()).resolves.toMatch(/^Thought · step \d+/);
    expect(await thought.evaluate((el) => (el as HTMLDetailsElement).open)).toBe(false);
    await thought.locator("summary").click();
    const reasoning = await thought.locator("p").innerText();
    expect(reasoning.length).toBeGreaterThan(0);
    expect(await first.locator(".task-output").innerText()).not.toContain(reasoning);
    await first.locator(".task-header").click();
    await page.evaluate(() =>
      document.querySelector(".crew-run")?.scrollIntoView({ block: "start" }),
    );
    const light = await page.screenshot({ path: screenshotPath("screenshot.png") });
    await page.emulateMedia({ colorScheme: "dark" });
    const dark = await page.screenshot({ path: screenshotPath("screenshot-dark.png") });
    for (const png of [light, dark]) {
      expect(png.subarray(1, 4).toString()).toBe("PNG");
      expect(png.byteLength).toBeGreaterThan(20_000);
    }
  });

  it("stops a run: the server ends it cancelled", async () => {
    await sendTopic(page, "deep sea mining");
    await waitForStreamingText(page);
    const runId = await shownRunId(page);
    // The keyboard path: focus Stop and press Enter (also proves Stop is keyboard usable).
    await page.getByRole("button", { name: "Stop the run" }).focus();
    await page.keyboard.press("Enter");
    const end = (await events(runId)).at(-1);
    expect(end).toMatchObject({ type: "run.end", status: "cancelled" });
    await page.locator(".crew-run .banner-muted").waitFor();
  });

  it("survives a network drop with no lost or repeated text", async () => {
    await sendTopic(page, "river deltas");
    await waitForStreamingText(page);
    const runId = await shownRunId(page);
    await ui.context.setOffline(true);
    proxy.cut();
    await page.locator(".banner-warn", { hasText: "Reconnecting" }).waitFor();
    await ui.context.setOffline(false);
    await waitForRunStatus(page, "completed");
    await expectResultOf(runId);
    expect(await page.locator(".banner-warn", { hasText: "Reconnecting" }).count()).toBe(0);
  });

  it("answers a human-input request inline", async () => {
    await page.locator("select[aria-label=Crew]").selectOption("review");
    await sendTopic(page, "the 2.0 release");
    const form = page.getByRole("form", { name: "The crew asks for your input" });
    await form.waitFor({ timeout: 60_000 });
    await form.getByLabel("Your answer").fill("Mention the new CLI.");
    await form.getByRole("button", { name: "Send answer" }).click();
    await waitForRunStatus(page, "completed");
    const runId = await shownRunId(page);
    expect((await events(runId)).find((e) => e.type === "input.response")).toMatchObject({
      text: "Mention the new CLI.",
    });
  });

  it("re-attaches to a running run after a reload", async () => {
    await sendTopic(page, "desert greening");
    await waitForStreamingText(page);
    const runId = await shownRunId(page);
    await page.reload();
    await waitForRunStatus(page, "completed");
    expect(await shownRunId(page)).toBe(runId);
    expect(await page.locator(".crew-run").count()).toBe(1);
    await expectResultOf(runId);
  });

  it("replays a finished run from the history sidebar", async () => {
    const { runId } = await client.startRun({
      crew: "research-crew",
      inputs: { topic: "mangroves" },
    });
    await events(runId);
    await page.reload();
    await page.locator(`.run-item[data-run-id="${runId}"]`).click();
    await waitForRunStatus(page, "completed");
    expect(await shownRunId(page)).toBe(runId);
    await expect(page.locator(".bubble-user").last().innerText()).resolves.toBe("mangroves");
    await expectResultOf(runId);
  });

  it("works on a narrow screen with the keyboard", async () => {
    await page.setViewportSize({ width: 390, height: 800 });
    await page.getByRole("button", { name: "Show run history" }).click();
    await page.getByRole("button", { name: "+ New run" }).focus();
    await page.keyboard.press("Enter");
    await page.locator("textarea.composer-input").focus();
    await page.keyboard.type("kelp forests");
    await page.keyboard.press("Enter");
    await waitForRunStatus(page, "completed");
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
  });
});

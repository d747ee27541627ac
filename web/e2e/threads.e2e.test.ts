import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CrewClient } from "../../src/client/index.js";
import { startRealServer } from "../../src/client/test-support/real-server.js";
import type { RealServer } from "../../src/client/test-support/real-server.js";
import { launchBrowser } from "./support/browser.js";
import { ensureBuiltWeb } from "./support/built-web.js";
import { sendTopic } from "./support/chat-page.js";

const WAIT_MS = 60_000;

let real: RealServer;
let client: CrewClient;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const dialogs: string[] = [];

beforeAll(async () => {
  const webRoot = await ensureBuiltWeb();
  real = await startRealServer({ tokenMs: 0, webRoot });
  client = new CrewClient({ baseUrl: real.url });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await real?.close();
});

beforeEach(async () => {
  context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  page = await context.newPage();
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(real.url);
});

afterEach(async () => {
  await context.close();
  expect(dialogs).toEqual([]);
});

async function completedTurns(count: number): Promise<void> {
  await page
    .locator('.crew-run[data-run-status="completed"]')
    .nth(count - 1)
    .waitFor({ timeout: WAIT_MS });
}

describe("conversations in the web UI", () => {
  it("follows up in one thread, keeps it over a reload, renames and deletes it; runs stay listed", async () => {
    await sendTopic(page, "lighthouses");
    await completedTurns(1);
    await page.waitForURL(/[?&]thread=/, { timeout: WAIT_MS });
    const threadId = new URL(page.url()).searchParams.get("thread")!;

    await sendTopic(page, "shorter, and in French");
    await completedTurns(2);
    const answers = page.locator(".result .markdown");
    await expect.poll(() => answers.count(), { timeout: WAIT_MS }).toBe(2);
    expect(await answers.last().innerText()).toContain(
      'Following up on our conversation: you asked "lighthouses"',
    );
    const thread = await client.getThread(threadId);
    expect(thread.runs.map((run) => run.inputs.topic)).toEqual([
      "lighthouses",
      "shorter, and in French",
    ]);

    // A deep link (and a reload) shows every turn with its crew timeline.
    await page.goto(`${real.url}/?thread=${threadId}`);
    await completedTurns(2);
    expect(await page.locator(".crew-run").count()).toBe(2);
    const item = page.locator(`.thread-item[data-thread-id="${threadId}"]`);
    await expect.poll(() => item.innerText(), { timeout: WAIT_MS }).toContain("2 turns");
    // The per-run history is still there, one entry per turn.
    for (const run of thread.runs)
      await page.locator(`.run-item[data-run-id="${run.id}"]`).waitFor({ timeout: WAIT_MS });

    await item.getByRole("button", { name: "Rename lighthouses" }).click();
    await page.getByLabel("Thread title").fill("Lights, briefly");
    await page.getByRole("button", { name: "Save" }).click();
    await expect
      .poll(async () => (await client.getThread(threadId)).title, { timeout: WAIT_MS })
      .toBe("Lights, briefly");
    await expect.poll(() => item.innerText(), { timeout: WAIT_MS }).toContain("Lights, briefly");

    await item.getByRole("button", { name: "Delete Lights, briefly" }).click();
    await item.getByRole("group", { name: "Confirm delete" }).getByText("Keep").click();
    expect((await client.getThread(threadId)).runCount).toBe(2);
    await item.getByRole("button", { name: "Delete Lights, briefly" }).click();
    await item
      .getByRole("group", { name: "Confirm delete" })
      .getByRole("button", { name: "Delete" })
      .click();
    await item.waitFor({ state: "detached", timeout: WAIT_MS });
    await expect(client.getThread(threadId)).rejects.toMatchObject({ code: "not_found" });
    expect(new URL(page.url()).searchParams.get("thread")).toBeNull();
  });
});

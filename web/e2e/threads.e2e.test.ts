import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CrewClient } from "../../src/client/index.js";
import { startRealServer } from "../../src/client/test-support/real-server.js";
import type { RealServer } from "../../src/client/test-support/real-server.js";
import { ensureBuiltWeb } from "./support/built-web.js";
import { sendTopic } from "./support/chat-page.js";
import { pagePerTest, screenshotFolder } from "./support/page-per-test.js";

const WAIT_MS = 60_000;
const screenshotDir = screenshotFolder();

let real: RealServer;
let client: CrewClient;

beforeAll(async () => {
  const webRoot = await ensureBuiltWeb();
  real = await startRealServer({ tokenMs: 0, webRoot });
  client = new CrewClient({ baseUrl: real.url });
});

afterAll(async () => {
  await real?.close();
});

const ui = pagePerTest({ url: () => real.url, viewport: { width: 1280, height: 860 } });
let page: Page;
beforeEach(() => ({ page } = ui));

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
    // The follow-up turn at the top, the thread list beside it.
    await page
      .locator(".message-user")
      .nth(1)
      .evaluate((el) => el.scrollIntoView({ block: "start" }));
    await page.screenshot({ path: join(screenshotDir, "threads.png") });

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

  it("switches between threads in the list: new thread, open another, and a run of the history opens its thread", async () => {
    await sendTopic(page, "tides");
    await completedTurns(1);
    await page.waitForURL(/[?&]thread=/, { timeout: WAIT_MS });
    const first = new URL(page.url()).searchParams.get("thread")!;

    // assistant-ui's New button: an empty thread, then a turn that makes a second thread.
    await page.getByRole("button", { name: "+ New thread" }).click();
    await expect.poll(() => page.locator(".crew-run").count(), { timeout: WAIT_MS }).toBe(0);
    await sendTopic(page, "glaciers");
    await completedTurns(1);
    await expect
      .poll(() => new URL(page.url()).searchParams.get("thread"), { timeout: WAIT_MS })
      .not.toBe(first);
    const second = new URL(page.url()).searchParams.get("thread")!;
    const firstItem = page.locator(`.thread-item[data-thread-id="${first}"]`);
    const secondItem = page.locator(`.thread-item[data-thread-id="${second}"]`);
    await expect
      .poll(() => secondItem.getAttribute("data-active"), { timeout: WAIT_MS })
      .toBe("true");
    await expect.poll(() => firstItem.innerText(), { timeout: WAIT_MS }).toContain("tides");
    expect(await firstItem.getAttribute("data-active")).toBeNull();

    // Opening the first thread shows its turn, not the second thread's.
    await firstItem.locator(".thread-trigger").click();
    await expect
      .poll(() => new URL(page.url()).searchParams.get("thread"), { timeout: WAIT_MS })
      .toBe(first);
    await completedTurns(1);
    await expect.poll(() => page.locator(".crew-run").count(), { timeout: WAIT_MS }).toBe(1);
    expect(await page.locator(".message-user").allInnerTexts()).toEqual(["tides"]);

    // A run of the history opens in its thread.
    const [glacierRun] = (await client.getThread(second)).runs;
    await page.locator(`.run-item[data-run-id="${glacierRun!.id}"]`).click();
    await expect
      .poll(() => new URL(page.url()).searchParams.get("thread"), { timeout: WAIT_MS })
      .toBe(second);
    await completedTurns(1);
    expect(await page.locator(".result .markdown").last().innerText()).toContain("lacier");

    // A run started without a thread opens alone, from a link or from the history.
    const { runId } = await client.startRun({ inputs: { topic: "dunes" } });
    await expect
      .poll(async () => (await client.getRun(runId)).status, { timeout: WAIT_MS })
      .toBe("completed");
    await page.goto(`${real.url}/?run=${runId}`);
    await completedTurns(1);
    expect(await page.locator(".message-user").allInnerTexts()).toEqual(["dunes"]);
    await firstItem.locator(".thread-trigger").click();
    await expect
      .poll(() => page.locator(".message-user").allInnerTexts(), { timeout: WAIT_MS })
      .toEqual(["tides"]);
    await page.locator(`.run-item[data-run-id="${runId}"]`).click();
    await expect
      .poll(() => page.locator(".message-user").allInnerTexts(), { timeout: WAIT_MS })
      .toEqual(["dunes"]);
    await completedTurns(1);
  });
});

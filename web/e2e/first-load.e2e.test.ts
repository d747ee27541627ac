/**
 * The chat UI at a phone's width (390 px) on its first load: the crew picker shows the whole
 * crew name, the agents card shows `{placeholders}` as input slots and says which crew is the
 * default, history rows keep one line each, stopping a run logs no error and its cancel
 * request completes (it used to show as net::ERR_ABORTED), and a
 * first crews request that fails (a server still starting) is tried again instead of leaving
 * the page without crews.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startRealServer } from "../../src/client/test-support/real-server.js";
import type { RealServer } from "../../src/client/test-support/real-server.js";
import { ensureBuiltWeb } from "./support/built-web.js";
import {
  sendTopic,
  shownRunId,
  waitForRunStatus,
  waitForStreamingText,
} from "./support/chat-page.js";
import { pagePerTest } from "./support/page-per-test.js";

const shots = mkdtempSync(join(tmpdir(), "crewstream-shots-"));

let real: RealServer;
let page: Page;
/** Console errors and failed requests, as a user with the dev tools open would see them. */
let problems: string[];

beforeAll(async () => {
  const webRoot = await ensureBuiltWeb();
  real = await startRealServer({ tokenMs: 6, webRoot });
});
afterAll(async () => {
  await real?.close();
});
const ui = pagePerTest({ viewport: { width: 390, height: 844 } });
beforeEach(() => {
  ({ page } = ui);
  problems = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on("requestfailed", (request) =>
    problems.push(`failed: ${request.method()} ${request.url()} ${request.failure()?.errorText}`),
  );
});

/** Width the picker's selected text needs, in the select's own font. */
async function pickerFits(): Promise<{ text: string; needed: number; width: number }> {
  return page.locator("select[aria-label=Crew]").evaluate((element) => {
    const select = element as HTMLSelectElement;
    const style = getComputedStyle(select);
    const context2d = document.createElement("canvas").getContext("2d")!;
    context2d.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const text = select.selectedOptions[0]?.text ?? "";
    const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
    // About 16 px for the drop-down arrow.
    return {
      text,
      needed: Math.ceil(context2d.measureText(text).width + padding + 16),
      width: select.getBoundingClientRect().width,
    };
  });
}

describe("the chat UI at 390 px, first load", { timeout: 120_000 }, () => {
  it("shows the whole crew name, input slots and the default crew; stop logs nothing", async () => {
    await page.goto(real.url);
    const fit = await pickerFits();
    expect(fit.text).toBe("research-crew");
    expect(fit.width).toBeGreaterThanOrEqual(fit.needed);

    const agents = page.locator(".welcome-col").first();
    await expect.poll(() => agents.locator(".input-slot").allTextContents()).toContain("topic");
    expect(await agents.textContent()).not.toContain("{");
    expect(await page.locator(".welcome-default").textContent()).toBe(
      "research-crew is the default crew; pick another above.",
    );
    expect(await page.locator(".composer-hint").textContent()).toContain("research-crew (default)");
    await page.screenshot({ path: join(shots, "welcome-390.png") });

    await sendTopic(page, "tidal power");
    await waitForStreamingText(page);
    const runId = await shownRunId(page);
    await page.getByRole("button", { name: "Stop the run" }).click();
    await waitForRunStatus(page, "cancelled");
    const cancelled = await fetch(`${real.url}/api/runs/${runId}`);
    expect(await cancelled.json()).toMatchObject({ status: "cancelled" });
    // Let any late console message arrive.
    await page.waitForTimeout(300);
    // The page stops reading the run's stream on purpose (and a development build of React
    // mounts twice, aborting its first requests); the cancel request itself must complete.
    expect(problems.filter((problem) => problem.startsWith("console:"))).toEqual([]);
    expect(problems.filter((problem) => problem.includes("/cancel"))).toEqual([]);
  });

  it("keeps every history row on one line, however long the crew or topic", async () => {
    for (const topic of ["a", "a much longer topic that will not fit on one line at all"]) {
      const started = await fetch(`${real.url}/api/runs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ crew: "review", inputs: { topic } }),
      });
      expect(started.status).toBe(202);
    }
    await page.goto(real.url);
    await page.getByRole("button", { name: "Show run history" }).click();
    const rows = page.locator(".run-item");
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(2);
    const heights = await rows.evaluateAll((items) =>
      items.map((item) => Math.round(item.getBoundingClientRect().height)),
    );
    expect(new Set(heights).size).toBe(1);
    const metaLines = await page
      .locator(".run-item-meta")
      .evaluateAll((metas) => metas.map((meta) => Math.round(meta.getBoundingClientRect().height)));
    expect(Math.max(...metaLines)).toBeLessThan(24);
    await page.screenshot({ path: join(shots, "history-390.png") });
  });

  it("tries the crews request again when the first one fails", async () => {
    let refused = 0;
    await page.route("**/api/crews", async (route) => {
      if (refused < 2) {
        refused += 1;
        await route.fulfill({
          status: 503,
          contentType: "application/json",
          body: JSON.stringify({ error: { code: "unavailable", message: "Starting." } }),
        });
        return;
      }
      await route.continue();
    });
    await page.goto(real.url);
    await page.locator("select[aria-label=Crew]").waitFor({ timeout: 10_000 });
    expect(refused).toBe(2);
    expect(await page.locator(".welcome-crew").count()).toBe(1);
    expect(await page.locator(".banner-error").count()).toBe(0);
  });
});

console.log(`screenshots in ${shots}`);

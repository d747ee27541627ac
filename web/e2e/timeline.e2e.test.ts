/**
 * The run timeline in a real browser: rows and marks for a live and a replayed run, hover
 * details, a click that shows the step in the transcript, both themes, and a narrow screen.
 */
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRealServer, type RealServer } from "../../src/client/test-support/real-server.js";
import { launchBrowser } from "./support/browser.js";
import { ensureBuiltWeb } from "./support/built-web.js";
import { sendTopic, shownRunId, waitForRunStatus } from "./support/chat-page.js";
import { screenshotFolder } from "./support/page-per-test.js";

const screenshotDir = screenshotFolder();

let real: RealServer;
let browser: Browser;

beforeAll(async () => {
  const webRoot = await ensureBuiltWeb();
  real = await startRealServer({ tokenMs: 3, webRoot });
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await real?.close();
});

async function openPage(
  options: { width?: number; dark?: boolean; path?: string } = {},
): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: 900 },
    colorScheme: options.dark === true ? "dark" : "light",
  });
  const page = await context.newPage();
  await page.goto(new URL(options.path ?? "/", real.url).href);
  return page;
}

describe("run timeline", { timeout: 120_000 }, () => {
  let runId: string;

  it("draws tasks and agents as rows with model-call marks, live and when done", async () => {
    const page = await openPage();
    await sendTopic(page, "coral reefs");
    runId = await shownRunId(page);
    // While the run goes, the timeline is already there.
    await page.locator(".crew-run .run-timeline").first().waitFor({ timeout: 30_000 });
    await waitForRunStatus(page, "completed");
    const timeline = page.locator(".crew-run .run-timeline").last();
    const tasks = await page.locator(".crew-run").last().locator(".task").count();
    expect(tasks).toBeGreaterThanOrEqual(2);
    expect(await timeline.locator(".timeline-row-task").count()).toBe(tasks);
    expect(await timeline.locator(".timeline-row-agent").count()).toBeGreaterThanOrEqual(2);
    const calls = timeline.locator('.timeline-mark[data-kind="call"]');
    expect(await calls.count()).toBeGreaterThanOrEqual(2);

    // Hover details: kind, model, duration, tokens and cost (the offline model is free).
    const details = (await calls.first().getAttribute("title")) ?? "";
    expect(details).toMatch(/^Model call: offline/);
    expect(details).toMatch(/Duration: \d/);
    expect(details).toMatch(/Tokens: \d+ in, \d+ out/);
    expect(details).toContain("Cost: $0");
    expect(await page.locator(".crew-run .run-cost").last().textContent()).toBe("$0");

    // A click shows that step's task in the transcript.
    const last = calls.last();
    await last.click();
    const card = page.locator(".crew-run").last().locator(".task").last();
    await expect.poll(() => card.evaluate((el) => el.classList.contains("flash"))).toBe(true);
    await expect.poll(() => card.isVisible()).toBe(true);

    await timeline.screenshot({ path: join(screenshotDir, "timeline.png") });
    await page.context().close();
  });

  it("draws the same timeline for the run from history, readable in the dark theme", async () => {
    const page = await openPage({ dark: true, path: `/?run=${runId}` });
    await waitForRunStatus(page, "completed");
    const timeline = page.locator(".crew-run .run-timeline").last();
    expect(
      await timeline.locator('.timeline-mark[data-kind="call"]').count(),
    ).toBeGreaterThanOrEqual(2);
    const colors = await timeline.evaluate((el) => {
      const mark = el.querySelector(".mark-call")!;
      const track = el.querySelector(".timeline-track")!;
      const label = el.querySelector(".timeline-row-task .timeline-label")!;
      return {
        mark: getComputedStyle(mark).backgroundColor,
        track: getComputedStyle(track).backgroundColor,
        label: getComputedStyle(label).color,
        panel: getComputedStyle(el).backgroundColor,
      };
    });
    // Dark panel, light text, marks that stand out from their track.
    const lum = (rgb: string): number => {
      const [r, g, b] = (rgb.match(/\d+/g) ?? []).map(Number);
      return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
    };
    expect(lum(colors.panel)).toBeLessThan(60);
    expect(lum(colors.label)).toBeGreaterThan(180);
    expect(Math.abs(lum(colors.mark) - lum(colors.track))).toBeGreaterThan(60);
    await page.context().close();
  });

  it("scrolls sideways on a narrow screen instead of overflowing the page", async () => {
    const page = await openPage({ width: 380, path: `/?run=${runId}` });
    await waitForRunStatus(page, "completed");
    const scroll = page.locator(".crew-run .timeline-scroll").last();
    const sizes = await scroll.evaluate((el) => ({
      scroll: el.scrollWidth,
      client: el.clientWidth,
      // The picture itself stays within the screen; its rows scroll inside it.
      right: el.closest(".run-timeline")!.getBoundingClientRect().right,
    }));
    expect(sizes.scroll).toBeGreaterThan(sizes.client);
    expect(sizes.right).toBeLessThanOrEqual(380);
    await scroll.evaluate((el) => el.scrollBy({ left: 200 }));
    expect(await scroll.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
    await page.context().close();
  });
});

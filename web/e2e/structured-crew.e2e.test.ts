/**
 * The structured example crew in the chat UI: the brief's object fills a table as it streams,
 * the note's guardrail sends the first draft back and the retry is shown, the written files are
 * linked, and a crew with ignored keys shows its warnings before it runs.
 */
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startRealServer } from "../../src/client/test-support/real-server.js";
import type { RealServer } from "../../src/client/test-support/real-server.js";
import { launchBrowser } from "./support/browser.js";
import { ensureBuiltWeb } from "./support/built-web.js";
import { sendTopic, waitForRunStatus } from "./support/chat-page.js";

const STRUCTURED_CREW = fileURLToPath(new URL("../../examples/structured-crew", import.meta.url));
const EXTRAS_CREW = fileURLToPath(
  new URL("../../src/crew/fixtures/good-crews/crewai-extras", import.meta.url),
);

let real: RealServer;
let browser: Browser;
let page: Page;
let outputDir: string;

beforeAll(async () => {
  outputDir = await mkdtemp(join(tmpdir(), "crewstream-e2e-files-"));
  vi.stubEnv("CREWSTREAM_OUTPUT_DIR", outputDir);
  const webRoot = await ensureBuiltWeb();
  // Paced so that the structured answer is seen filling in, not only when it is done.
  real = await startRealServer({ webRoot, tokenMs: 8 });
  await cp(STRUCTURED_CREW, join(real.dir, "crews", "structured-crew"), { recursive: true });
  await cp(EXTRAS_CREW, join(real.dir, "crews", "extras"), { recursive: true });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(real.url);
});

afterAll(async () => {
  await browser?.close();
  await real?.close();
  vi.unstubAllEnvs();
  await rm(outputDir, { recursive: true, force: true });
});

describe("structured outputs and guardrails in the chat UI", () => {
  it("shows a crew's warnings before it runs", async () => {
    await page.locator("select[aria-label=Crew]").selectOption("extras");
    const warnings = page.getByTestId("crew-warnings");
    await warnings.locator("summary").click();
    await expect(warnings.innerText()).resolves.toContain("agents.yaml:5 researcher.memory");
  });

  it("fills the brief's table as it streams, then shows the guardrail's retry and the files", async () => {
    await page.locator("select[aria-label=Crew]").selectOption("structured-crew");
    await sendTopic(page, "heat pumps");

    // While the brief task runs, its partial object is already a table of findings.
    await page
      .locator('.task-running[data-task="brief_task"] [data-testid="structured-brief_task"] table')
      .waitFor({ timeout: 60_000 });

    // The note's first draft is sent back by the guardrail while the task is still running.
    await page
      .locator(
        '.task-running[data-task="note_task"] [data-testid="checks-note_task"] .check-failed',
      )
      .waitFor({ timeout: 60_000 });
    await waitForRunStatus(page, "completed");

    const brief = page.locator('.task[data-task="brief_task"]');
    await brief.locator(".task-header").click();
    const table = brief.getByTestId("structured-brief_task").locator("table").first();
    await expect(table.locator("th").allInnerTexts()).resolves.toEqual([
      "Claim",
      "Confidence",
      "Source",
    ]);
    expect(await table.locator("tbody tr").count()).toBeGreaterThanOrEqual(3);
    await brief.getByText("Raw JSON").click();
    await expect(brief.locator(".sv-raw pre").innerText()).resolves.toContain('"findings": [');
    const link = brief.getByTestId("file-brief_task");
    const href = await link.getAttribute("href");
    const file = await page.request.get(new URL(href ?? "", real.url).toString());
    expect(file.status()).toBe(200);
    expect(((await file.json()) as { findings: unknown[] }).findings.length).toBeGreaterThanOrEqual(
      3,
    );

    const note = page.locator('.task[data-task="note_task"]');
    await note.locator(".task-header").click();
    const checks = await note.getByTestId("checks-note_task").locator("li").allInnerTexts();
    expect(checks).toHaveLength(2);
    expect(checks[0]).toMatch(/Attempt 1 sent back: \(offline model\)/);
    expect(checks[1]).toMatch(/Attempt 2 passed/);
  });
});

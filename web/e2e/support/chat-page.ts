/** Page helpers for the chat UI: start a run, wait for states, read what is shown. */
import type { Page } from "playwright-core";

const WAIT_MS = 60_000;

/** Types a topic into the composer and sends it. */
export async function sendTopic(page: Page, topic: string): Promise<void> {
  const input = page.locator("textarea.composer-input");
  await input.fill(topic);
  await input.press("Enter");
}

/** The id of the run the page shows, from its URL (`?run=`), once known. */
export async function shownRunId(page: Page): Promise<string> {
  await page.waitForURL(/[?&]run=/, { timeout: WAIT_MS });
  const runId = new URL(page.url()).searchParams.get("run");
  if (!runId) throw new Error("The page did not name its run.");
  return runId;
}

/** Waits for the last crew run on the page to reach `status`. */
export async function waitForRunStatus(page: Page, status: string): Promise<void> {
  await page.locator(`.crew-run[data-run-status="${status}"]`).last().waitFor({ timeout: WAIT_MS });
}

/** Waits until some task text has streamed in. */
export async function waitForStreamingText(page: Page): Promise<void> {
  await page
    .locator(".task-running .task-output .markdown > *")
    .first()
    .waitFor({ timeout: WAIT_MS });
}

/** Inner HTML of the rendered result. */
export async function resultHtml(page: Page): Promise<string> {
  return page.locator(".result .markdown").last().innerHTML();
}

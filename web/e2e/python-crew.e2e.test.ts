/**
 * A Python crew (the example's stand-in CrewAI crew with crewstream_bridge) in the chat UI:
 * its answer streams in, its tool call and tokens per task are shown, and its human input
 * request is answered from the page and reaches the program.
 */
import { cp, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CrewClient } from "../../src/client/index.js";
import { startRealServer } from "../../src/client/test-support/real-server.js";
import type { RealServer } from "../../src/client/test-support/real-server.js";
import type { CrewEvent } from "../../src/events/index.js";
import { launchBrowser } from "./support/browser.js";
import { ensureBuiltWeb } from "./support/built-web.js";
import { sendTopic, shownRunId, waitForRunStatus } from "./support/chat-page.js";

const PYTHON_CREW = fileURLToPath(new URL("../../examples/python-crew", import.meta.url));

/** The example crew with its last task reviewed by a human, paced so streaming is visible. */
const CREW_YAML = `name: python-review
command: ["python3", "crew/fake_run.py"]
inputs:
  topic: AI LLMs
  review: true
env:
  CREWSTREAM_FAKE_STEP_MS: "150"
`;

let real: RealServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  const webRoot = await ensureBuiltWeb();
  real = await startRealServer({ webRoot });
  const dir = join(real.dir, "crews", "python-review");
  await cp(PYTHON_CREW, dir, { recursive: true });
  await writeFile(join(dir, "crew.yaml"), CREW_YAML);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(real.url);
});

afterAll(async () => {
  await browser?.close();
  await real?.close();
});

describe("a Python crew in the chat UI", () => {
  it("streams its text, shows its tool call and tokens per task, and takes human input", async () => {
    await page.locator("select[aria-label=Crew]").selectOption("python-review");
    await sendTopic(page, "tidal power");

    // The last task's answer streams in before the crew asks for review. The task may already
    // be waiting for the answer by the time the page is checked, so its status is not part of
    // the selector.
    await page
      .locator('.task[data-task="reporting_task"] .task-output .markdown h1', {
        hasText: "tidal power report",
      })
      .waitFor({ timeout: 60_000 });

    const form = page.getByRole("form", { name: "The crew asks for your input" });
    await form.waitFor({ timeout: 60_000 });
    await expect(form.innerText()).resolves.toContain("tidal power report");
    await form.getByLabel("Your answer").fill("Mention grid storage.");
    await form.getByRole("button", { name: "Send answer" }).click();
    await waitForRunStatus(page, "completed");

    const research = page.locator('.task[data-task="research_task"]');
    await expect(research.locator(".task-meta").innerText()).resolves.toContain("1 tools");
    for (const [task, tokens] of [
      ["research_task", 60],
      ["analysis_task", 60],
      ["reporting_task", 90],
    ] as const) {
      await expect(
        page.locator(`.task[data-task="${task}"] .task-meta`).innerText(),
      ).resolves.toContain(`${tokens} tok`);
    }
    await research.locator(".task-header").click();
    await expect(research.locator(".tool-call code").innerText()).resolves.toBe("search");
    await expect(page.locator(".result .markdown").last().innerText()).resolves.toContain(
      "Reviewer's note: Mention grid storage.",
    );

    const runId = await shownRunId(page);
    const events: CrewEvent[] = [];
    for await (const event of new CrewClient({ baseUrl: real.url }).subscribe(runId))
      events.push(event);
    expect(events.find((event) => event.type === "input.response")).toMatchObject({
      text: "Mention grid storage.",
      task: "reporting_task",
    });
    expect(events.filter((event) => event.type === "text.delta").length).toBeGreaterThanOrEqual(3);
  });
});

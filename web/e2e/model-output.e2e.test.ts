import { mkdtemp, rename } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startRealServer } from "../../src/client/test-support/real-server.js";
import { writeSchemaCrew } from "../../src/crew/test-support/schema-crew.js";
import type { RealServer } from "../../src/client/test-support/real-server.js";
import { resolveModel } from "../../src/llm/index.js";
import { reply, startFakeOpenAI } from "../../src/testing/index.js";
import type { FakeOpenAI } from "../../src/testing/index.js";
import { ensureBuiltWeb } from "./support/built-web.js";
import { sendTopic, waitForRunStatus } from "./support/chat-page.js";
import { pagePerTest } from "./support/page-per-test.js";

const HOSTILE = [
  "# Findings\n\n",
  "Plain text first.\n\n",
  "<script>window.__pwned = 'script'; alert('script')</script>\n\n",
  "<img src=\"x\" onerror=\"window.__pwned = 'img'; alert('img')\">\n\n",
  "[click me](javascript:window.__pwned='link';alert('link'))\n\n",
  "[docs](https://example.com/docs)\n",
];

let fake: FakeOpenAI;
let real: RealServer;

beforeAll(async () => {
  const webRoot = await ensureBuiltWeb();
  fake = await startFakeOpenAI();
  const model = resolveModel("compatible/fake-model", {
    env: { CREWSTREAM_BASE_URL: fake.baseURL, CREWSTREAM_API_KEY: "test-key" },
  });
  real = await startRealServer({ model, webRoot });
});

afterAll(async () => {
  await real?.close();
  await fake?.close();
});

const ui = pagePerTest({ url: () => real.url });
let page: Page;
beforeEach(() => ({ page } = ui));

describe("model output in the chat UI", () => {
  it("renders scripts, event handlers and javascript: links inert", async () => {
    fake.script(() => reply.text(HOSTILE));
    await sendTopic(page, "hostile output");
    await waitForRunStatus(page, "completed");
    const result = page.locator(".result .markdown").last();
    await expect(result.innerText()).resolves.toContain("Plain text first.");
    expect(
      await page.locator(".markdown script, .markdown img[onerror], .markdown [onerror]").count(),
    ).toBe(0);
    expect(await page.locator('a[href^="javascript:" i]').count()).toBe(0);
    await result.getByText("click me").click();
    await page
      .getByRole("button", { name: "Stop the run" })
      .or(page.getByRole("button", { name: "Run the crew" }))
      .waitFor();
    expect(
      await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned),
    ).toBeUndefined();
    expect(ui.dialogs).toEqual([]);
    await expect(result.locator("a", { hasText: "docs" }).getAttribute("rel")).resolves.toContain(
      "noopener",
    );
  });

  it("explains a provider that rejects the API key", async () => {
    fake.script(() => reply.unauthorized());
    await sendTopic(page, "bad key");
    await waitForRunStatus(page, "failed");
    const banner = page.locator(".crew-run .banner-error");
    await expect(banner.getAttribute("data-error-code")).resolves.toBe("provider_auth");
    await expect(banner.innerText()).resolves.toContain("rejected the API key");
  });

  it("shows a rate-limit wait as such, then finishes", async () => {
    let calls = 0;
    fake.script(() => (++calls === 1 ? reply.rateLimited(2) : reply.text("All good.")));
    await sendTopic(page, "slow provider");
    const notice = page.getByTestId("retry-notice");
    await notice.waitFor({ timeout: 30_000 });
    await expect(notice.innerText()).resolves.toMatch(
      /Waiting .* before trying again \(attempt 1\)/,
    );
    await waitForRunStatus(page, "completed");
  });

  it("says under the task what the provider could not do for it: here, enforce the output schema", async () => {
    // Written aside and moved into the crews folder in one step, so the catalog never sees
    // the crew half-written; then listed before the page looks for it.
    const aside = await mkdtemp(join(tmpdir(), "crewstream-schema-crew-"));
    await writeSchemaCrew(aside, "schema-crew");
    await rename(aside, join(real.dir, "crews", "schema-crew"));
    await expect
      .poll(
        async () => {
          const { crews } = (await (await fetch(`${real.url}/api/crews`)).json()) as {
            crews: Array<{ name: string; error?: unknown }>;
          };
          return crews.find((crew) => crew.name === "schema-crew" && crew.error === undefined);
        },
        { timeout: 10_000 },
      )
      .toBeDefined();
    fake.script(() => reply.text('{"title": "Owls"}'));
    await page.reload();
    await page.locator("select[aria-label=Crew]").selectOption("schema-crew");
    await sendTopic(page, "owls");
    await waitForRunStatus(page, "completed");
    const task = page.locator('.task[data-task="title_task"]');
    // The finished task's card is closed; its header says there is a warning.
    await expect(task.getByTestId("warning-mark-title_task").innerText()).resolves.toBe(
      "⚠ 1 warning",
    );
    if ((await task.locator(".task-header").getAttribute("aria-expanded")) !== "true")
      await task.locator(".task-header").click();
    await expect(task.getByTestId("warnings-title_task").innerText()).resolves.toContain(
      'The feature "responseFormat" is not supported.',
    );
    // The call's mark on the timeline tells it too.
    await expect(
      page.locator('.timeline-mark[data-kind="call"]').last().getAttribute("title"),
    ).resolves.toContain('⚠ The feature "responseFormat" is not supported.');
  });
});

/**
 * The browser setup most UI test files share: one Chromium for the file, and for each test a
 * fresh context and page (so no test sees another's storage), opened at the app's URL, with
 * the page's dialogs (alert, confirm) recorded and dismissed. A page of ours never opens one,
 * so by default a test that saw a dialog fails.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page, ViewportSize } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";
import { launchBrowser } from "./browser.js";

/** Options of {@link pagePerTest}. */
export interface PagePerTestOptions {
  /** Where each test's page starts (read in `beforeEach`, once the server is up); none: blank. */
  url?: () => string;
  viewport?: ViewportSize;
  /** Whether a test that saw a dialog fails (default true). */
  failOnDialogs?: boolean;
}

/** What a test uses; read its fields inside tests and hooks, not at the file's top level. */
export interface TestPage {
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Messages of the dialogs the page opened (and that were dismissed), oldest first. */
  readonly dialogs: string[];
}

/**
 * Registers the hooks (call it at the top level of a test file, after the hooks that start the
 * server) and returns the test's browser, context and page.
 */
export function pagePerTest(options: PagePerTestOptions = {}): TestPage {
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  const dialogs: string[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    dialogs.length = 0;
    context = await browser!.newContext(
      options.viewport === undefined ? {} : { viewport: options.viewport },
    );
    page = await context.newPage();
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    if (options.url) await page.goto(options.url());
  });
  afterEach(async () => {
    await context?.close();
    if (options.failOnDialogs !== false) expect(dialogs).toEqual([]);
  });
  return {
    get browser() {
      return browser!;
    },
    get context() {
      return context!;
    },
    get page() {
      return page!;
    },
    dialogs,
  };
}

/**
 * Where a test file's screenshots go: `docs/` (the README shows them) with
 * UPDATE_SCREENSHOTS=1, a temporary folder otherwise, so a test run leaves the tree as it was.
 */
export function screenshotFolder(): string {
  return process.env.UPDATE_SCREENSHOTS === "1"
    ? "docs"
    : mkdtempSync(join(tmpdir(), "crewstream-shots-"));
}

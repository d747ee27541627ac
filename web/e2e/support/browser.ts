/** Launches the system Chromium for browser tests (playwright-core, no downloaded browsers). */
import { chromium } from "playwright-core";
import type { Browser } from "playwright-core";

/** Where Debian puts Chromium (`apt-get install chromium`). */
export const CHROMIUM_PATH = process.env.CREWSTREAM_CHROMIUM ?? "/usr/bin/chromium";

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A headless Chromium. Close it in `afterAll`. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS });
}

import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/** Runs the example's end-to-end test: `npx vitest run --config examples/nextjs/vitest.config.ts`. */
export default defineConfig({
  test: {
    root: fileURLToPath(new URL(".", import.meta.url)),
    include: ["nextjs.int.test.ts"],
    testTimeout: 120_000,
    // `next build` on a busy two-core machine takes minutes.
    hookTimeout: 900_000,
    pool: "forks",
  },
});

/**
 * The block a server prints when it starts: URL, model (and how to change the offline demo
 * model), the crews loaded and those that failed with why, the database, whether a token is
 * required, and in cluster mode the Redis URL and the server's role.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { startClusterServer } from "../scale/index.js";
import { startTestRedis } from "../scale/test-support/redis-server.js";
import { formatStartBanner } from "./start-banner.js";
import { FIXTURE_CREWS, memoryLogger, startTestServer } from "./test-support/test-server.js";

const BAD_CREWS = fileURLToPath(new URL("../crew/fixtures/bad-crews", import.meta.url));

describe("the start banner", () => {
  it("startServer prints the URL, model, crews (failed ones with why), database and token", async () => {
    const server = await startTestServer({
      crewsDirs: [FIXTURE_CREWS, BAD_CREWS],
      token: "s3cret",
      model: "offline",
    });
    try {
      const banner = server.logger.lines.find((line) => line.includes("listening on"));
      expect(banner).toBeDefined();
      const lines = banner!
        .replace(/^info /, "")
        .trimEnd()
        .split("\n");
      expect(lines[0]).toBe(`crewstream listening on ${server.url}`);
      expect(lines).toContain(
        "  model     offline, the built-in demo model (every agent; chosen by --model)",
      );
      const crews = lines.find((line) => line.startsWith("  crews "));
      expect(crews).toMatch(/^ {2}crews {5}duo \(default\), review\b.* from /);
      const failed = lines.filter((line) => line.startsWith("  failed "));
      expect(failed.length).toBeGreaterThan(3);
      expect(failed).toContainEqual(expect.stringMatching(/^ {2}failed {4}unknown-agent: .*agent/));
      expect(lines).toContain(`  database  ${server.db}`);
      expect(lines.at(-1)).toMatch(/^ {2}token {5}required: send Authorization: Bearer <token>/);
    } finally {
      await server.cleanup();
    }
  });

  it("names the offline demo model and the one line to change it when no key is set", () => {
    const text = formatStartBanner({
      url: "http://127.0.0.1:5757",
      crews: [
        {
          name: "research-crew",
          default: true,
          process: "sequential",
          agents: [],
          tasks: [],
          inputs: [],
        },
      ],
      crewsDirs: ["/srv/crews"],
      store: { kind: "memory" },
      tokenRequired: false,
      env: {},
    });
    expect(text).toBe(
      [
        "crewstream listening on http://127.0.0.1:5757",
        "  model     offline, the built-in demo model: no API key is set (agents without their own llm)",
        "            to change it: OPENAI_API_KEY=sk-... (or CREWSTREAM_MODEL=<provider/model> + its key)",
        "  crews     research-crew (default)  from /srv/crews",
        "  database  none: runs are kept in memory and lost when the server stops",
        "  token     not required (set CREWSTREAM_TOKEN to require one)",
      ].join("\n"),
    );
    const keyed = formatStartBanner({
      url: "http://127.0.0.1:5757",
      crews: [],
      crewsDirs: ["/srv/crews"],
      store: { kind: "sqlite", path: "/data/crewstream.db" },
      tokenRequired: false,
      env: { OPENAI_API_KEY: "sk-test" },
    });
    expect(keyed).toContain("  model     openai/gpt-4o-mini (agents without their own llm)\n");
    expect(keyed).toContain("  crews     none in /srv/crews\n");
    expect(keyed).toContain("  database  /data/crewstream.db\n");
  });

  it("a cluster server prints the Redis URL and its role", async () => {
    const redis = await startTestRedis();
    const logger = memoryLogger();
    const server = await startClusterServer({
      redisUrl: redis.url,
      port: 0,
      crewsDirs: [FIXTURE_CREWS],
      webRoot: false,
      logger,
    });
    try {
      const banner = logger.lines.find((line) => line.includes("listening on")) ?? "";
      expect(banner).toContain(`crewstream listening on ${server.url}\n`);
      expect(banner).toContain(`  redis     ${redis.url} (keys cs:*)\n`);
      expect(banner).toContain(
        "  role      server: runs are queued in Redis and executed by `crewstream worker` processes\n",
      );
      expect(banner).toContain(
        "  model     chosen by each worker (worker --model, CREWSTREAM_MODEL)\n",
      );
      expect(banner).toMatch(/ {2}crews {5}duo \(default\), review/);
    } finally {
      await server.close();
      await redis.close();
    }
  });
});

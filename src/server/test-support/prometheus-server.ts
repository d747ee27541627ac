/**
 * Test support: Debian's Prometheus server (and promtool), started on a free 127.0.0.1 port with a
 * temp config and storage folder, scraping one target every second.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** `promtool check metrics` on an exposition: its exit status and what it printed. */
export function promtoolCheck(exposition: string): { status: number | null; output: string } {
  const result = spawnSync("promtool", ["check", "metrics"], {
    input: exposition,
    encoding: "utf8",
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** A running Prometheus server. */
export interface PrometheusServer {
  url: string;
  /** Runs an instant query; answers the first sample's value, if any. */
  query(expression: string): Promise<string | undefined>;
  close(): Promise<void>;
}

/** Starts Prometheus scraping `target` (host:port) at `/metrics`, with a bearer token if given. */
export async function startPrometheus(target: string, token?: string): Promise<PrometheusServer> {
  const dir = await mkdtemp(join(tmpdir(), "crewstream-prometheus-"));
  const port = await freePort();
  const config = [
    "global:",
    "  scrape_interval: 1s",
    "scrape_configs:",
    "  - job_name: crewstream",
    "    scrape_interval: 1s",
    ...(token ? ["    authorization:", `      credentials: ${JSON.stringify(token)}`] : []),
    "    static_configs:",
    `      - targets: [${JSON.stringify(target)}]`,
    "",
  ].join("\n");
  await writeFile(join(dir, "prometheus.yml"), config);
  const child: ChildProcess = spawn(
    "prometheus",
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: "ignore" },
  );
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    url,
    async query(expression) {
      const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expression)}`);
      if (!response.ok) return undefined;
      const body = (await response.json()) as {
        data?: { result?: Array<{ value?: [number, string] }> };
      };
      return body.data?.result?.[0]?.value?.[1];
    },
    async close() {
      child.kill("SIGTERM");
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

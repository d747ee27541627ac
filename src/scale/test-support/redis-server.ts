/**
 * Test support: a real `redis-server` on a free port, in a temporary folder, with persistence
 * off (`--save "" --appendonly no`). It can be stopped and started again on the same port to
 * test outages.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A redis-server child process. */
export interface TestRedis {
  url: string;
  port: number;
  /** Stops the server (SIGKILL when `hard`), keeping the port for {@link TestRedis.start}. */
  stop(hard?: boolean): Promise<void>;
  /** Starts it again on the same port (empty: nothing is persisted). */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  close(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
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

/** Starts redis-server and resolves once it accepts connections. */
export async function startTestRedis(): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), "crewstream-redis-"));
  const port = await freePort();
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    const proc = spawn(
      "redis-server",
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        dir,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    child = proc;
    await new Promise<void>((resolve, reject) => {
      let output = "";
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        if (output.includes("Ready to accept connections")) {
          proc.stdout?.off("data", onData);
          proc.stdout?.resume();
          resolve();
        }
      };
      proc.stdout?.on("data", onData);
      proc.stderr?.resume();
      proc.once("error", reject);
      proc.once("exit", (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
    });
  };

  const stop = async (hard = false): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
    proc.kill(hard ? "SIGKILL" : "SIGTERM");
    await exited;
  };

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    start,
    close: async () => {
      await stop(true);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

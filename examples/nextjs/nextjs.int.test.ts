/**
 * The Next.js example end to end: builds the package (when dist/ is missing) and the app, starts
 * `next start` on a free port, and streams runs through the app's routes.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  parseJsonEventStream,
  readUIMessageStream,
  uiMessageChunkSchema,
  type UIMessage,
  type UIMessageChunk,
} from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../../web/e2e/support/browser.js";
import { readSseEvents } from "../../src/client/index.js";
import type { CrewEvent } from "../../src/events/index.js";

const app = fileURLToPath(new URL(".", import.meta.url));
const root = join(app, "../..");
const nextBin = join(root, "node_modules/next/dist/bin/next");
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };

let next: ChildProcess | undefined;
let base = "";
let dataDir = "";
const output: string[] = [];

function run(command: string, args: string[], cwd: string): void {
  const result = spawnSync(command, args, { cwd, env, encoding: "utf8" });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** Resolves once the app answers its health route; rejects if `next start` exits first. */
async function ready(child: ChildProcess): Promise<void> {
  let exited = false;
  child.once("exit", () => (exited = true));
  for (;;) {
    if (exited) throw new Error(`next start exited:\n${output.join("")}`);
    const status = await fetch(`${base}/api/health`).then(
      (response) => response.status,
      () => 0, // Not listening yet.
    );
    if (status === 200) return;
    if (status >= 500) throw new Error(`the app answered ${status}:\n${output.join("")}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  if (!existsSync(join(root, "dist/server/index.js")))
    run("npm", ["run", "--silent", "build"], root);
  // What `npm install` does for the example's `"crewstream": "file:../.."` dependency.
  const link = join(app, "node_modules/crewstream");
  if (!existsSync(link)) {
    mkdirSync(join(app, "node_modules"), { recursive: true });
    symlinkSync("../../..", link, "dir");
  }
  run(process.execPath, [nextBin, "build"], app);

  dataDir = mkdtempSync(join(tmpdir(), "crewstream-nextjs-"));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  next = spawn(process.execPath, [nextBin, "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: app,
    env: {
      ...env,
      CREWSTREAM_MODEL: "offline",
      CREWSTREAM_OFFLINE_TOKEN_MS: "3",
      CREWSTREAM_DB: join(dataDir, "runs.db"),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  next.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  next.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  await ready(next);
  // `next build` on a busy two-core machine takes minutes.
}, 900_000);

afterAll(async () => {
  if (next?.exitCode === null) {
    const exited = new Promise((resolve) => next?.once("exit", resolve));
    next.kill("SIGTERM");
    await exited;
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe("the Next.js example", () => {
  it("streams a run through /api/crew/stream to completion", async () => {
    const response = await fetch(`${base}/api/crew/stream`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ crew: "research", inputs: { topic: "honey bees" } }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const runId = response.headers.get("x-run-id");
    expect(runId).toBeTruthy();

    const events: CrewEvent[] = [];
    for await (const event of readSseEvents(response.body!)) events.push(event);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.every((event) => event.runId === runId)).toBe(true);
    expect(events[0]).toMatchObject({
      type: "run.start",
      crew: "research",
      inputs: { topic: "honey bees" },
    });
    expect(events.filter((event) => event.type === "task.end")).toHaveLength(2);
    const end = events.at(-1);
    expect(end).toMatchObject({ type: "run.end", status: "completed" });

    // The rest of the API is mounted too: the run is in the history with its result.
    const run = (await (await fetch(`${base}/api/runs/${runId}`)).json()) as {
      status: string;
      result?: string;
    };
    expect(run.status).toBe("completed");
    expect(run.result).toBe(end?.type === "run.end" ? end.result : undefined);
    const page = (await (await fetch(`${base}/api/runs`)).json()) as {
      runs: Array<{ id: string }>;
    };
    expect(page.runs.map((r) => r.id)).toContain(runId);
  });

  it("answers useChat clients on /api/chat", async () => {
    const response = await fetch(`${base}/api/chat`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        crew: "research",
        messages: [{ id: "m1", role: "user", parts: [{ type: "text", text: "wasps" }] }],
      }),
    });
    expect(response.status).toBe(200);
    const runId = response.headers.get("x-run-id");
    const chunks = parseJsonEventStream({
      stream: response.body!,
      schema: uiMessageChunkSchema,
    }).pipeThrough(
      new TransformStream<{ success: boolean; value?: UIMessageChunk }, UIMessageChunk>({
        transform(result, controller) {
          if (result.success && result.value) controller.enqueue(result.value);
        },
      }),
    );
    let last: UIMessage | undefined;
    for await (const message of readUIMessageStream({ stream: chunks })) last = message;
    const run = (await (await fetch(`${base}/api/runs/${runId}`)).json()) as {
      status: string;
      result?: string;
      source?: string;
    };
    expect(run).toMatchObject({ status: "completed", source: "chat" });
    const text = (last?.parts ?? [])
      .flatMap((part) => (part.type === "text" ? [part.text] : []))
      .join("");
    expect(text).toBe(run.result);
  });

  it("serves the chat page and refuses bad bodies with JSON errors", async () => {
    const html = await (await fetch(`${base}/`)).text();
    expect(html).toContain("Research crew");
    expect(html).toContain("Enter a topic");
    const bad = await fetch(`${base}/api/crew/stream`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "{}",
    });
    expect(bad.status).toBe(415);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe(
      "unsupported_media_type",
    );
  });

  it("runs the crew from the chat page, and Stop cancels a run", async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(String(error)));
      await page.goto(`${base}/`);
      await page.getByLabel("topic").fill("honey bees");
      await page.getByRole("button", { name: "Run" }).click();
      const assistant = page.locator(".message.assistant").first();
      await assistant.locator('li[data-status="completed"]').nth(1).waitFor();
      await assistant.getByText("offline model").waitFor();
      await assistant.getByText("research: completed").waitFor();

      await page.getByLabel("topic").fill("wasps");
      await page.getByRole("button", { name: "Run" }).click();
      await page.getByRole("button", { name: "Stop" }).click();
      await page.getByRole("button", { name: "Run" }).waitFor();
      let runs: Array<{ status: string; inputs: { topic?: string } }> = [];
      while (!runs.some((run) => run.inputs.topic === "wasps" && run.status === "cancelled")) {
        runs = ((await (await fetch(`${base}/api/runs`)).json()) as { runs: typeof runs }).runs;
        if (runs.some((run) => run.inputs.topic === "wasps" && run.status === "completed")) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(runs.find((run) => run.inputs.topic === "wasps")?.status).toBe("cancelled");
      expect(runs.find((run) => run.inputs.topic === "honey bees")?.status).toBe("completed");

      // A follow-up is a turn of the same thread: the crew answers with the conversation so far
      // (the cancelled turn has no answer, so it is left out).
      await page.getByLabel("topic").fill("shorter, and in French");
      await page.getByRole("button", { name: "Run" }).click();
      const followUp = page.locator(".message.assistant").nth(2);
      await followUp.locator('li[data-status="completed"]').nth(1).waitFor();
      await followUp.getByText('you asked "honey bees"').first().waitFor();
      const threads = (await (await fetch(`${base}/api/threads`)).json()) as {
        threads: Array<{ threadId: string; title: string; runCount: number }>;
      };
      expect(threads.threads[0]).toMatchObject({ title: "honey bees", runCount: 3 });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it("resumes the AI SDK chat after a reload, every part once, and its Stop cancels the run", async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(String(error)));
      const chatId = `resume-${Date.now()}`;
      await page.goto(`${base}/chat?id=${chatId}`);
      await page.getByLabel("message").fill("honey bees");
      await page.getByRole("button", { name: "Send" }).click();
      await page.locator('.resumable-chat[data-status="streaming"]').waitFor();
      // Reload while the crew is still at work: the run goes on and the page resumes it.
      await page.reload();
      const thread = (await (await fetch(`${base}/api/threads/${chatId}`)).json()) as {
        runs: Array<{ id: string; status: string }>;
      };
      const runId = thread.runs[0]!.id;
      await page.locator('.resumable-chat[data-status="ready"]').waitFor({ timeout: 60_000 });
      let run = { status: "running", result: "" };
      while (run.status === "running")
        run = (await (await fetch(`${base}/api/runs/${runId}`)).json()) as typeof run;
      expect(run.status).toBe("completed");
      const answers = page.locator(".chat-message.assistant");
      await expect.poll(() => answers.count()).toBe(1);
      expect(await answers.first().textContent()).toBe(run.result);

      await page.getByLabel("message").fill("shorter, and in French");
      await page.getByRole("button", { name: "Send" }).click();
      await page.locator('.resumable-chat[data-status="streaming"]').waitFor();
      await page.getByRole("button", { name: "Stop" }).click();
      let runs: Array<{ id: string; status: string }> = [];
      while (runs.length < 2 || runs[1]!.status === "running") {
        runs = (
          (await (await fetch(`${base}/api/threads/${chatId}`)).json()) as { runs: typeof runs }
        ).runs;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(runs.map((r) => r.status)).toEqual(["completed", "cancelled"]);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

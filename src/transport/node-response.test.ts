import { Agent, createServer, request, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Worker } from "node:worker_threads";
import { afterEach, describe, expect, it } from "vitest";
import { EventLog, EventStamper, type CrewEvent } from "../events/index.js";
import { writeEventStream, type WriteEventStreamOptions } from "./node-response.js";
import { SSE_HEADERS, toSseFrame } from "./sse.js";

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

function batchesOf(count: number, size: number): CrewEvent[][] {
  const stamper = new EventStamper("run-n");
  const batches: CrewEvent[][] = [];
  for (let b = 0; b < count; b++) {
    batches.push(
      Array.from({ length: size }, (_, i) =>
        stamper.stamp({ type: "text.delta", agent: "a", task: "t", delta: `${b}.${i} ` }),
      ),
    );
  }
  batches[count - 1]!.push(
    stamper.stamp({
      type: "run.end",
      status: "completed",
      usage: { inputTokens: 0, outputTokens: 0 },
      durationMs: 1,
    }),
  );
  return batches;
}

/** A server answering every request with `writeEventStream(source())`. */
async function serveEvents(
  source: (signal: AbortSignal) => AsyncIterable<readonly CrewEvent[]>,
  options: Partial<WriteEventStreamOptions> = {},
): Promise<string> {
  const server = createServer((_req, res) =>
    writeEventStream(
      res,
      { batches: source },
      { encode: toSseFrame, headers: { ...SSE_HEADERS, "x-run-id": "run-n" }, ...options },
    ),
  );
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

function open(url: string, agent?: Agent): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(url, agent ? { agent } : {}, resolve);
    req.on("error", reject);
    req.end();
  });
}

async function readAll(res: IncomingMessage): Promise<string> {
  res.setEncoding("utf8");
  let text = "";
  for await (const chunk of res) text += chunk as string;
  return text;
}

describe("writeEventStream", () => {
  it("writes every batch with its headers and ends the response after run.end", async () => {
    const batches = batchesOf(4, 3);
    let returned = false;
    let closed = 0;
    const url = await serveEvents(
      async function* () {
        try {
          yield* batches;
          yield batches[0]!; // past run.end: never written
        } finally {
          returned = true;
        }
      },
      { onClose: () => void (closed += 1) },
    );
    const res = await open(url);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/event-stream/);
    expect(res.headers["x-run-id"]).toBe("run-n");
    expect(await readAll(res)).toBe(batches.flat().map(toSseFrame).join(""));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(returned).toBe(true);
    expect(closed).toBe(1);
  });

  it("stops pulling while the client does not read, and ends the source when it leaves", async () => {
    const big = "x".repeat(64 * 1024);
    const stamper = new EventStamper("run-n");
    let pulled = 0;
    let aborted = false;
    let closed = 0;
    const url = await serveEvents(
      async function* (signal) {
        signal.addEventListener("abort", () => (aborted = true));
        for (;;) {
          pulled += 1;
          yield [stamper.stamp({ type: "text.delta", agent: "a", task: "t", delta: big })];
        }
      },
      { onClose: () => void (closed += 1) },
    );
    const res = await open(url);
    res.pause();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const whilePaused = pulled;
    // Socket buffers hold a few MB at most; an unbounded pump would have pulled thousands.
    expect(whilePaused).toBeLessThan(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(pulled).toBe(whilePaused);
    res.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(aborted).toBe(true);
    expect(closed).toBe(1);
  });

  it("sends the heartbeat while the source is idle", async () => {
    const url = await serveEvents(
      // eslint-disable-next-line require-yield
      async function* (signal) {
        await new Promise((resolve) => signal.addEventListener("abort", resolve));
      },
      { heartbeat: ": ping\n\n", heartbeatMs: 20 },
    );
    const res = await open(url);
    res.setEncoding("utf8");
    const first = await new Promise<string>((resolve) => res.once("data", resolve));
    expect(first).toBe(": ping\n\n");
    res.destroy();
  });

  it("reports a failing source and cuts the response", async () => {
    const errors: unknown[] = [];
    const [first] = batchesOf(1, 2);
    const url = await serveEvents(
      async function* () {
        yield first!.slice(0, 1);
        throw new Error("store failed");
      },
      { onError: (error) => errors.push(error) },
    );
    const res = await open(url);
    await expect(readAll(res)).rejects.toThrow();
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(/store failed/);
  });
});

describe("writeEventStream and other clients", () => {
  it("lets the event loop turn while it writes a long replay, so new connections are served", async () => {
    // 800 batches of 20 events (~2.4 MB) that resolve at once, like pages of a replay: the
    // stream must not write them all before anything else (a timer, a new connection) runs.
    const batches = batchesOf(800, 20);
    let written = 0;
    let writtenWhenOthersRan: number | undefined;
    const url = await serveEvents(async function* () {
      setImmediate(() => (writtenWhenOthersRan = written));
      for (const batch of batches) {
        written += 1;
        yield batch;
      }
    });
    const response = await open(url);
    response.resume();
    await new Promise((resolve) => response.on("end", resolve));
    expect(writtenWhenOthersRan).toBeDefined();
    expect(writtenWhenOthersRan!).toBeLessThan(batches.length / 2);
  });
});

describe("writeEventStream to many live watchers", () => {
  it("answers a new connection while one large batch goes out to hundreds of watchers", async () => {
    // One batch of 300 events published to 400 watchers waiting live: ~12 MB of writes. Done
    // in one turn of the event loop, a client connecting meanwhile would wait for all of it.
    const watchers = 400;
    const [first, ...rest] = batchesOf(2, 300);
    const log = new EventLog({ runId: "run-n" });
    log.append(first!);
    let handed = 0;
    let handedWhenAsked: number | undefined;
    const server = createServer((req, res) => {
      if (req.url === "/health") {
        handedWhenAsked = handed;
        res.end("ok");
        return;
      }
      writeEventStream(
        res,
        {
          batches: async function* (signal) {
            for await (const batch of log.subscribe(first!.length, { signal })) {
              handed += 1;
              yield batch;
            }
          },
        },
        { encode: toSseFrame, headers: SSE_HEADERS },
      );
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
    const responses = await Promise.all(
      Array.from({ length: watchers }, () => open(`${url}/events`, agent)),
    );
    const bodies = responses.map((res) => readAll(res));
    while (log.subscriberCount < watchers) await new Promise((resolve) => setImmediate(resolve));

    log.append(rest[0]!);
    const health = await readAll(await open(`${url}/health`, agent));

    expect(health).toBe("ok");
    // The health check was answered after a few slices of the fan-out, not after all of it.
    expect(handedWhenAsked).toBeDefined();
    expect(handedWhenAsked!).toBeLessThan(watchers / 2);
    // And every watcher still got the whole batch, once, in order.
    const expected = rest[0]!.map(toSseFrame).join("");
    for (const body of await Promise.all(bodies)) expect(body).toBe(expected);
    agent.destroy();
  }, 30_000);

  it("sends a live batch after a quiet spell at once, even while a long chain of promise reactions runs", async () => {
    const log = new EventLog({ runId: "run-n" });
    // The middle batch: the last one, with run.end, would end the response and flush it.
    const [first, ...rest] = batchesOf(3, 3);
    log.append(first!);
    const url = await serveEvents((signal) => log.subscribe(first!.length, { signal }));
    // The client runs in a worker: its event loop notes when the bytes arrive while this
    // thread is busy.
    const client = new Worker(
      `const { request } = require("node:http");
       const { parentPort, workerData } = require("node:worker_threads");
       request(workerData, (res) => {
         parentPort.postMessage({ headers: Date.now() });
         res.on("data", (chunk) => {
           if (String(chunk).includes("text.delta")) parentPort.postMessage({ data: Date.now() });
         });
       }).end();`,
      { eval: true, workerData: url },
    );
    const messages: Array<{ headers?: number; data?: number }> = [];
    const next = (): Promise<{ headers?: number; data?: number }> =>
      new Promise((resolve) => client.once("message", resolve));
    try {
      messages.push(await next());
      await new Promise((resolve) => setTimeout(resolve, 20));
      const arrived = next();
      const sentAt = Date.now();
      log.append(rest[0]!);
      // A burst parsed in one chain of promise reactions: no tick of node:http runs meanwhile.
      const busyUntil = sentAt + 400;
      while (Date.now() < busyUntil) await Promise.resolve();
      const { data } = await arrived;
      expect(data! - sentAt).toBeLessThan(200);
    } finally {
      await client.terminate();
    }
    expect(messages[0]?.headers).toBeDefined();
  });
});

/**
 * A share of the SSE benchmark's subscribers, in a process of its own, so that the server's
 * latency is not the latency of one busy client process. Prints `started`, then takes
 * commands on stdin, one per line:
 *
 * - `subscribe <url> <count>`: opens `count` SSE connections (100 at a time); answers `ready`
 *   once every one has its headers;
 * - `mark`: answers `marked` and from then on counts only frames that arrive after it;
 * - `wait`: answers, once every subscriber has seen `run.end`, one JSON line
 *   `{ frames, latencies, endAt }`: frames since `mark`, one emit-to-receipt latency (ms) per
 *   chunk read (from the last `t=<epoch ms>;` stamp in it), and the epoch ms of the last
 *   `run.end`.
 */
import { Agent, request } from "node:http";
import { createInterface } from "node:readline";

const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
const epoch = () => performance.timeOrigin + performance.now();
const stats = { frames: 0, marked: 0, latencies: [] as number[], open: 0, done: 0, endAt: 0 };
let allDone: (() => void) | undefined;

function subscribe(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { accept: "text/event-stream" } }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
      resolve();
      res.setEncoding("utf8");
      let tail = "";
      res.on("data", (chunk: string) => {
        const text = tail + chunk;
        let count = 0;
        let last = 0;
        let index = text.indexOf("\n\n");
        while (index !== -1) {
          count += 1;
          last = index + 2;
          index = text.indexOf("\n\n", last);
        }
        tail = text.slice(last);
        stats.frames += count;
        const complete = text.slice(0, last);
        const match = /t=(\d+\.\d+);[^t]*$/.exec(complete);
        if (match) stats.latencies.push(epoch() - Number(match[1]));
        if (complete.includes("event: run.end")) {
          stats.done += 1;
          stats.endAt = epoch();
          if (stats.done === stats.open) allDone?.();
        }
      });
    });
    req.on("error", reject);
    req.end();
  });
}

process.stdout.write("started\n");
for await (const line of createInterface({ input: process.stdin })) {
  const [command, url, count] = line.split(" ");
  if (command === "subscribe" && url !== undefined) {
    const total = Number(count);
    stats.open += total;
    for (let i = 0; i < total; i += 100)
      await Promise.all(Array.from({ length: Math.min(100, total - i) }, () => subscribe(url)));
    process.stdout.write("ready\n");
  } else if (command === "mark") {
    stats.marked = stats.frames;
    process.stdout.write("marked\n");
  } else if (command === "wait") {
    if (stats.done < stats.open) await new Promise<void>((resolve) => (allDone = resolve));
    process.stdout.write(
      `${JSON.stringify({ frames: stats.frames - stats.marked, latencies: stats.latencies, endAt: stats.endAt })}\n`,
    );
  } else if (command === "exit") process.exit(0);
}

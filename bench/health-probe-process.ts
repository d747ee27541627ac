/**
 * A client arriving while the server is busy, in its own process so the benchmark's busy
 * subscriber process does not delay it: asks `GET <url>/api/health` on a new connection every
 * 50 ms until `stop` arrives on stdin, then prints one JSON line `{ times, marked }`: the
 * answer times (ms), and how many of them came before the last `mark` line. Prints `ready`
 * first.
 */
import { Agent, request } from "node:http";
import { createInterface } from "node:readline";

const url = process.argv[2] ?? "";
const everyMs = Number(process.argv[3] ?? 50);
const agent = new Agent({ keepAlive: false });
const times: number[] = [];
let running = true;
let marked = 0;

const one = (): Promise<void> =>
  new Promise((resolve) => {
    const started = performance.now();
    const req = request(`${url}/api/health`, { agent }, (res) => {
      res.resume();
      res.on("end", () => {
        times.push(performance.now() - started);
        resolve();
      });
    });
    req.on("error", () => resolve());
    req.end();
  });

createInterface({ input: process.stdin }).on("line", (line) => {
  if (line === "stop") running = false;
  if (line === "mark") marked = times.length;
});
process.stdout.write("ready\n");
while (running) await Promise.all([one(), new Promise((resolve) => setTimeout(resolve, everyMs))]);
process.stdout.write(`${JSON.stringify({ times, marked })}\n`);
process.exit(0);

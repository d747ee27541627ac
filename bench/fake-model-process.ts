/**
 * Runs the fake OpenAI-compatible server in its own process, so that the benchmark process
 * measures only its own CPU time. Arguments: tokens per answer, delay per token in ms, and
 * optionally `stamp` (each text token ends with the time it was sent: see `stampTokens`).
 * Prints the base URL on stdout, then serves until killed.
 */
import { startFakeOpenAI } from "../src/testing/index.js";

const tokens = Number(process.argv[2] ?? 200);
// Optional: a delay before each token, as a real model streams.
const tokenDelayMs = Number(process.argv[3] ?? 0);
const fake = await startFakeOpenAI({
  defaultTokens: tokens,
  tokenDelayMs,
  stampTokens: process.argv[4] === "stamp",
});
// Recording every request would grow without bound over thousands of requests.
fake.events.on("request-closed", () => fake.requests.splice(0, fake.requests.length));
process.stdout.write(`${fake.baseURL}\n`);

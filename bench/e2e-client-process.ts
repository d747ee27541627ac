/**
 * The client side of the end-to-end benchmark, in its own process so that its CPU time is
 * measured apart from the server's. Reads one JSON command per stdin line, runs `concurrency`
 * crews at once and prints one JSON line with the batch's wall and CPU time and each crew's
 * timings:
 *
 * - `{ kind: "inproc", baseURL, concurrency }`: the in-process floor, the crew's three prompts
 *   with the raw AI SDK against the fake model;
 * - `{ kind: "http", url, body, concurrency }`: `POST url` with `body`, reading the SSE answer
 *   (every frame's data parsed as JSON, as a client does).
 *
 * Times are from the crew's start (before connecting): connected (the request goes out then),
 * response headers, first token, each hand-off (the gap between one agent's last token and the
 * next agent's first), the end; and each token's lag, from the model sending it (the fake model
 * stamps each token with the time, in ms since the epoch) to the client parsing it.
 */
import { Agent, request } from "node:http";
import { createInterface } from "node:readline";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { rawCrew } from "./e2e-crew.js";

/** Timings of one crew, in ms from its start. */
export interface CrewTiming {
  /** When the connection was made and the request written to it (0 in process). */
  connectedMs: number;
  headersMs: number;
  firstTokenMs: number;
  /** Each token's lag: from the model sending it (its stamp) to the client having it. */
  lagMs: number[];
  handoffMs: number[];
  endMs: number;
  tokens: number;
}

/** The answer to one command. */
export interface BatchResult {
  wallMs: number;
  cpuMs: number;
  crews: CrewTiming[];
}

type Command =
  | { kind: "inproc"; baseURL: string; concurrency: number }
  | { kind: "http"; url: string; body: unknown; concurrency: number };

// A new connection per crew, as a page starting a run usually opens one: a kept-alive socket
// idle past the server's keep-alive timeout would be reset under the next request.
const agent = new Agent({ keepAlive: false, maxSockets: Infinity });

/** Follows the tokens of one crew as they arrive. */
class Tracker {
  readonly start = performance.now();
  connectedMs = Number.NaN;
  headersMs = Number.NaN;
  firstTokenMs = Number.NaN;
  readonly lagMs: number[] = [];
  readonly handoffMs: number[] = [];
  tokens = 0;
  #agent: string | undefined;
  #last = 0;

  token(agentKey: string, delta: string): void {
    const now = performance.now();
    // The fake model ends each token with "@" and when it sent it, in ms since the epoch.
    const sent = Number(delta.slice(delta.lastIndexOf("@") + 1));
    this.lagMs.push(Math.round((performance.timeOrigin + now - sent) * 100) / 100);
    if (this.tokens === 0) this.firstTokenMs = now - this.start;
    else if (agentKey !== this.#agent) this.handoffMs.push(now - this.#last);
    this.#agent = agentKey;
    this.#last = now;
    this.tokens += 1;
  }

  done(): CrewTiming {
    return {
      connectedMs: this.connectedMs,
      headersMs: this.headersMs,
      firstTokenMs: this.firstTokenMs,
      lagMs: this.lagMs,
      handoffMs: this.handoffMs,
      endMs: performance.now() - this.start,
      tokens: this.tokens,
    };
  }
}

const models = new Map<
  string,
  ReturnType<ReturnType<typeof createOpenAICompatible>["chatModel"]>
>();

async function inProcess(baseURL: string, topic: string): Promise<CrewTiming> {
  let model = models.get(baseURL);
  if (model === undefined) {
    model = createOpenAICompatible({ name: "bench", baseURL, includeUsage: true }).chatModel(
      "bench-model",
    );
    models.set(baseURL, model);
  }
  const tracker = new Tracker();
  tracker.connectedMs = 0;
  tracker.headersMs = 0;
  await rawCrew(model, topic, (agentKey, delta) => tracker.token(agentKey, delta));
  return tracker.done();
}

function overHttp(url: string, body: unknown): Promise<CrewTiming> {
  const tracker = new Tracker();
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          accept: "text/event-stream",
          "content-length": Buffer.byteLength(payload),
        },
      },
      (res) => {
        tracker.headersMs = performance.now() - tracker.start;
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`POST ${url}: status ${res.statusCode}`));
          return;
        }
        res.setEncoding("utf8");
        let tail = "";
        let ended = false;
        res.on("data", (chunk: string) => {
          const text = tail + chunk;
          let from = 0;
          let end = text.indexOf("\n\n");
          while (end !== -1) {
            const frame = text.slice(from, end);
            const data = frame.indexOf("data: ");
            if (data !== -1) {
              const lineEnd = frame.indexOf("\n", data);
              const json = frame.slice(data + 6, lineEnd === -1 ? undefined : lineEnd);
              const event = JSON.parse(json) as {
                type: string;
                agent?: string;
                delta?: string;
                status?: string;
              };
              if (event.type === "text.delta") tracker.token(event.agent ?? "", event.delta ?? "");
              else if (event.type === "run.end") {
                if (event.status !== "completed")
                  reject(new Error(`run ended ${event.status}: ${JSON.stringify(event)}`));
                ended = true;
              }
            }
            from = end + 2;
            end = text.indexOf("\n\n", from);
          }
          tail = text.slice(from);
        });
        res.on("end", () =>
          ended ? resolve(tracker.done()) : reject(new Error("stream ended without run.end")),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    // The request, written before the socket connects, goes out as it connects.
    req.once("socket", (socket) => {
      const connected = () => (tracker.connectedMs = performance.now() - tracker.start);
      if (socket.connecting) socket.once("connect", connected);
      else connected();
    });
    req.end(payload);
  });
}

let n = 0;
async function batch(command: Command): Promise<BatchResult> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const crews = await Promise.all(
    Array.from({ length: command.concurrency }, () => {
      const topic = `benchmarks ${n++}`;
      return command.kind === "inproc"
        ? inProcess(command.baseURL, topic)
        : overHttp(command.url, command.body);
    }),
  );
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000, crews };
}

process.stdout.write("ready\n");
for await (const line of createInterface({ input: process.stdin })) {
  if (line === "exit") break;
  try {
    process.stdout.write(`${JSON.stringify(await batch(JSON.parse(line) as Command))}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ error: String(error) })}\n`);
  }
}
process.exit(0);

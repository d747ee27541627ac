import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CrewEvent } from "../events/index.js";
import { assertCompleteRun, collectSse, readSse } from "./test-support/sse-client.js";
import { startTestServer } from "./test-support/test-server.js";
import type { TestServer } from "./test-support/test-server.js";

const TOKEN = "s3cret-token";
let server: TestServer;
let finishedRunId: string;
let finishedLastSeq = 0;

interface BadRequest {
  name: string;
  method?: string;
  path: string | (() => string);
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Leave out the bearer token (or send this Authorization header instead). */
  auth?: false | string;
  status: number;
  code: string;
}

const json = { "content-type": "application/json" };
const run = (suffix = ""): string => `/api/runs/${finishedRunId}${suffix}`;

const CASES: BadRequest[] = [
  // Broken or wrongly shaped bodies.
  {
    name: "broken JSON",
    method: "POST",
    path: "/api/runs",
    body: "{",
    headers: json,
    status: 400,
    code: "bad_request",
  },
  {
    name: "JSON with a trailing comma",
    method: "POST",
    path: "/api/runs",
    body: '{"inputs":{},}',
    headers: json,
    status: 400,
    code: "bad_request",
  },
  {
    name: "an empty body",
    method: "POST",
    path: "/api/runs",
    body: "",
    headers: json,
    status: 400,
    code: "bad_request",
  },
  {
    name: "a JSON array",
    method: "POST",
    path: "/api/runs",
    body: "[]",
    headers: json,
    status: 400,
    code: "bad_request",
  },
  {
    name: "JSON null",
    method: "POST",
    path: "/api/runs",
    body: "null",
    headers: json,
    status: 400,
    code: "bad_request",
  },
  {
    name: "inputs as a string",
    method: "POST",
    path: "/api/runs",
    body: { inputs: "topic=bees" },
    status: 400,
    code: "bad_request",
  },
  {
    name: "inputs as an array",
    method: "POST",
    path: "/api/runs",
    body: { inputs: ["bees"] },
    status: 400,
    code: "bad_request",
  },
  {
    name: "a nested input value",
    method: "POST",
    path: "/api/runs",
    body: { inputs: { topic: { a: 1 } } },
    status: 400,
    code: "bad_request",
  },
  {
    name: "a null input value",
    method: "POST",
    path: "/api/runs",
    body: { inputs: { topic: null } },
    status: 400,
    code: "bad_request",
  },
  {
    name: "crew as a number",
    method: "POST",
    path: "/api/runs",
    body: { crew: 7, inputs: {} },
    status: 400,
    code: "bad_request",
  },
  {
    name: "an unknown field",
    method: "POST",
    path: "/api/runs",
    body: { crew: "duo", input: {} },
    status: 400,
    code: "bad_request",
  },
  {
    name: "a bad onDisconnect",
    method: "POST",
    path: "/api/crew/stream",
    body: { crew: "duo", inputs: { topic: "x" }, onDisconnect: "sometimes" },
    status: 400,
    code: "bad_request",
  },
  {
    name: "broken JSON on the stream route",
    method: "POST",
    path: "/api/crew/stream",
    body: "{crew:",
    headers: json,
    status: 400,
    code: "bad_request",
  },
  // Crews.
  {
    name: "an unknown crew",
    method: "POST",
    path: "/api/runs",
    body: { crew: "nope", inputs: {} },
    status: 404,
    code: "crew_not_found",
  },
  {
    name: "an unknown crew on the stream route",
    method: "POST",
    path: "/api/crew/stream",
    body: { crew: "nope", inputs: {} },
    status: 404,
    code: "crew_not_found",
  },
  {
    name: "path traversal ../",
    method: "POST",
    path: "/api/runs",
    body: { crew: "../../etc", inputs: {} },
    status: 400,
    code: "bad_request",
  },
  {
    name: "path traversal to an absolute path",
    method: "POST",
    path: "/api/runs",
    body: { crew: "/etc/passwd", inputs: {} },
    status: 400,
    code: "bad_request",
  },
  {
    name: "a crew name with a slash",
    method: "POST",
    path: "/api/runs",
    body: { crew: "duo/../review", inputs: {} },
    status: 400,
    code: "bad_request",
  },
  {
    name: "a crew name with a backslash",
    method: "POST",
    path: "/api/runs",
    body: { crew: "..\\..\\windows", inputs: {} },
    status: 400,
    code: "bad_request",
  },
  {
    name: "a hidden crew name",
    method: "POST",
    path: "/api/crew/stream",
    body: { crew: ".git", inputs: {} },
    status: 400,
    code: "bad_request",
  },
  {
    name: "an empty crew name",
    method: "POST",
    path: "/api/runs",
    body: { crew: "", inputs: {} },
    status: 400,
    code: "bad_request",
  },
  {
    name: "a missing required input",
    method: "POST",
    path: "/api/runs",
    body: { crew: "duo", inputs: {} },
    status: 400,
    code: "missing_input",
  },
  // Content types and sizes.
  {
    name: "text/plain",
    method: "POST",
    path: "/api/runs",
    body: "{}",
    headers: { "content-type": "text/plain" },
    status: 415,
    code: "unsupported_media_type",
  },
  {
    name: "a form body",
    method: "POST",
    path: "/api/runs",
    body: "crew=duo",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    status: 415,
    code: "unsupported_media_type",
  },
  {
    name: "no content type",
    method: "POST",
    path: "/api/crew/stream",
    body: new Blob(['{"crew":"duo"}']),
    status: 415,
    code: "unsupported_media_type",
  },
  {
    name: "an oversized body",
    method: "POST",
    path: "/api/runs",
    body: { crew: "duo", inputs: { topic: "x".repeat(1_100_000) } },
    status: 413,
    code: "payload_too_large",
  },
  // Runs and cursors.
  { name: "an unknown run", path: "/api/runs/no-such-run", status: 404, code: "run_not_found" },
  {
    name: "events of an unknown run",
    path: "/api/runs/no-such-run/events",
    status: 404,
    code: "run_not_found",
  },
  {
    name: "cancel of an unknown run",
    method: "POST",
    path: "/api/runs/no-such-run/cancel",
    status: 404,
    code: "run_not_found",
  },
  {
    name: "input for an unknown run",
    method: "POST",
    path: "/api/runs/no-such-run/input",
    body: { requestId: "r", text: "t" },
    status: 404,
    code: "run_not_found",
  },
  {
    name: "a negative ?after",
    path: () => run("/events?after=-1"),
    status: 400,
    code: "bad_cursor",
  },
  {
    name: "a fractional ?after",
    path: () => run("/events?after=1.5"),
    status: 400,
    code: "bad_cursor",
  },
  {
    name: "a non-numeric ?after",
    path: () => run("/events?after=abc"),
    status: 400,
    code: "bad_cursor",
  },
  { name: "an empty ?after", path: () => run("/events?after="), status: 400, code: "bad_cursor" },
  {
    name: "?after past the last seq",
    path: () => run(`/events?after=${finishedLastSeq + 1}`),
    status: 400,
    code: "bad_cursor",
  },
  {
    name: "a negative Last-Event-ID",
    path: () => run("/events"),
    headers: { "last-event-id": "-3" },
    status: 400,
    code: "bad_cursor",
  },
  {
    name: "a non-numeric Last-Event-ID",
    path: () => run("/events"),
    headers: { "last-event-id": "seven" },
    status: 400,
    code: "bad_cursor",
  },
  {
    name: "Last-Event-ID past the last seq",
    path: () => run("/events?after=0"),
    headers: { "last-event-id": "999999" },
    status: 400,
    code: "bad_cursor",
  },
  {
    name: "a bad Last-Event-ID beats a good ?after",
    path: () => run("/events?after=1"),
    headers: { "last-event-id": "1e3" },
    status: 400,
    code: "bad_cursor",
  },
  {
    name: "input without requestId",
    method: "POST",
    path: () => run("/input"),
    body: { text: "t" },
    status: 400,
    code: "bad_request",
  },
  {
    name: "input with a numeric text",
    method: "POST",
    path: () => run("/input"),
    body: { requestId: "r", text: 5 },
    status: 400,
    code: "bad_request",
  },
  {
    name: "input for a finished run",
    method: "POST",
    path: () => run("/input"),
    body: { requestId: "r", text: "late" },
    status: 409,
    code: "conflict",
  },
  // Listing.
  { name: "limit=0", path: "/api/runs?limit=0", status: 400, code: "bad_request" },
  { name: "a non-numeric limit", path: "/api/runs?limit=ten", status: 400, code: "bad_request" },
  { name: "a huge limit", path: "/api/runs?limit=100000", status: 400, code: "bad_request" },
  {
    name: "a page cursor that is not one",
    path: "/api/runs?before=yesterday",
    status: 400,
    code: "bad_request",
  },
  { name: "an unknown status", path: "/api/runs?status=done", status: 400, code: "bad_request" },
  {
    name: "an unknown query parameter",
    path: "/api/runs?sort=asc",
    status: 400,
    code: "bad_request",
  },
  // Routes and methods.
  { name: "an unknown route", path: "/api/nothing-here", status: 404, code: "not_found" },
  {
    name: "DELETE on /api/runs",
    method: "DELETE",
    path: "/api/runs",
    status: 405,
    code: "method_not_allowed",
  },
  {
    name: "PUT on a run",
    method: "PUT",
    path: () => run(),
    body: {},
    status: 405,
    code: "method_not_allowed",
  },
  { name: "GET on cancel", path: () => run("/cancel"), status: 405, code: "method_not_allowed" },
  {
    name: "POST on health",
    method: "POST",
    path: "/api/health",
    body: {},
    status: 405,
    code: "method_not_allowed",
  },
  {
    name: "a plain GET on the WebSocket endpoint",
    path: "/api/ws",
    status: 426,
    code: "upgrade_required",
  },
  {
    name: "GET on the stream route",
    path: "/api/crew/stream",
    status: 405,
    code: "method_not_allowed",
  },
  // Authentication.
  { name: "a missing token", path: "/api/runs", auth: false, status: 401, code: "unauthorized" },
  {
    name: "a wrong token",
    path: "/api/runs",
    auth: "Bearer wrong",
    status: 401,
    code: "unauthorized",
  },
  {
    name: "a token of another length",
    path: "/api/health",
    auth: `Bearer ${TOKEN}x`,
    status: 401,
    code: "unauthorized",
  },
  {
    name: "basic auth instead of a bearer token",
    path: "/api/crews",
    auth: `Basic ${btoa(`user:${TOKEN}`)}`,
    status: 401,
    code: "unauthorized",
  },
  {
    name: "a missing token on a POST",
    method: "POST",
    path: "/api/runs",
    body: { crew: "duo", inputs: { topic: "x" } },
    auth: false,
    status: 401,
    code: "unauthorized",
  },
];

beforeAll(async () => {
  server = await startTestServer({ tokenMs: 2, token: TOKEN });
  const finished = await authed("/api/crew/stream", {
    method: "POST",
    headers: json,
    body: JSON.stringify({ crew: "review", inputs: {}, onDisconnect: "continue" }),
  });
  finishedRunId = finished.headers.get("x-run-id")!;
  for await (const message of readSse(finished.body!)) {
    if (message.crewEvent.type === "input.request") {
      await authed(run("/input"), {
        method: "POST",
        headers: json,
        body: JSON.stringify({ requestId: message.crewEvent.requestId, text: "" }),
      });
    }
    finishedLastSeq = message.crewEvent.seq;
  }
});
afterAll(() => server.cleanup());

function authed(
  path: string,
  init: RequestInit = {},
  auth: false | string = `Bearer ${TOKEN}`,
): Promise<Response> {
  const headers = new Headers(init.headers);
  if (auth !== false) headers.set("authorization", auth);
  return server.api(path, { ...init, headers });
}

/**
 * Sends with node:http, which reads a response that arrives before the body is fully written
 * (as a 413 does); fetch reports such a response as a closed socket.
 */
function sendRaw(
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(path, server.url), { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const responseHeaders = new Headers();
        for (const [key, value] of Object.entries(res.headers))
          if (typeof value === "string") responseHeaders.set(key, value);
        resolve(
          new Response(Buffer.concat(chunks), {
            status: res.statusCode ?? 0,
            headers: responseHeaders,
          }),
        );
      });
    });
    // The server may close the connection once it has answered; the answer is what counts.
    req.on("error", (error) => (req.writableFinished ? undefined : reject(error)));
    req.end(body);
  });
}

function send(request: BadRequest): Promise<Response> {
  const path = typeof request.path === "function" ? request.path() : request.path;
  const headers: Record<string, string> = { ...request.headers };
  let body: BodyInit | undefined;
  if (request.body !== undefined) {
    if (typeof request.body === "string" || request.body instanceof Blob) body = request.body;
    else {
      body = JSON.stringify(request.body);
      headers["content-type"] ??= "application/json";
    }
  }
  const auth = request.auth ?? `Bearer ${TOKEN}`;
  if (typeof body === "string" && body.length > 1024 * 1024) {
    return sendRaw(
      request.method ?? "POST",
      path,
      { ...headers, ...(auth === false ? {} : { authorization: auth }) },
      body,
    );
  }
  return authed(
    path,
    { method: request.method ?? "GET", headers, ...(body === undefined ? {} : { body }) },
    auth,
  );
}

describe("bad requests", () => {
  it("has a table of at least 40 cases", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it("answers each with the right 4xx JSON error while a concurrent run keeps streaming", async () => {
    const runsBefore = (await (await authed("/api/runs?limit=500")).json()).runs.length;
    const live = await authed("/api/crew/stream", {
      method: "POST",
      headers: json,
      body: JSON.stringify({ crew: "duo", inputs: { topic: "tides" } }),
    });
    expect(live.status).toBe(200);
    const liveEvents: CrewEvent[] = [];
    const reading = (async () => {
      for await (const message of readSse(live.body!)) liveEvents.push(message.crewEvent);
    })().then(
      () => undefined,
      (error: unknown) => error,
    );

    const failures: string[] = [];
    for (const request of CASES) {
      const response = await send(request);
      const text = await response.text();
      let body: { error?: { code?: string; message?: string } } = {};
      try {
        body = JSON.parse(text);
      } catch {
        failures.push(`${request.name}: body is not JSON: ${text.slice(0, 80)}`);
        continue;
      }
      if (
        response.status !== request.status ||
        body.error?.code !== request.code ||
        !body.error?.message
      ) {
        failures.push(
          `${request.name}: got ${response.status} ${JSON.stringify(body).slice(0, 200)}`,
        );
      }
      if (!response.headers.get("content-type")?.startsWith("application/json"))
        failures.push(`${request.name}: not application/json`);
    }
    expect(failures).toEqual([]);

    expect(await reading).toBeUndefined();
    assertCompleteRun(liveEvents);
    expect(liveEvents.at(-1)).toMatchObject({ type: "run.end", status: "completed" });
    // None of the bad requests created a run: the only new one is the concurrent run.
    const runsAfter = (await (await authed("/api/runs?limit=500")).json()).runs.length;
    expect(runsAfter).toBe(runsBefore + 1);
    expect(server.logger.lines.filter((line) => line.startsWith("error"))).toEqual([]);
  });

  it("refuses a body sent in chunks, with no Content-Length, once it passes the limit", async () => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        new URL("/api/runs", server.url),
        {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
        },
        (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (body += chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on("error", (error) => (req.writableFinished ? undefined : reject(error)));
      req.write(`{"crew":"duo","inputs":{"topic":"`);
      for (let i = 0; i < 5; i++) req.write("x".repeat(256 * 1024));
      req.end(`"}}`);
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: "payload_too_large" } });
    expect((await authed("/api/health")).status).toBe(200);
  });

  it("explains what to fix", async () => {
    const response = await send({
      name: "",
      method: "POST",
      path: "/api/runs",
      body: { crew: "duo", inputs: { topic: [1] } },
      status: 400,
      code: "",
    });
    const body = await response.json();
    expect(body.error.message).toMatch(/inputs/);
    const traversal = await (
      await send({
        name: "",
        method: "POST",
        path: "/api/runs",
        body: { crew: "../x" },
        status: 400,
        code: "",
      })
    ).json();
    expect(traversal.error.message).toMatch(/crew/);
  });

  it("accepts the right token and asks for one with WWW-Authenticate otherwise", async () => {
    expect((await authed("/api/health")).status).toBe(200);
    const refused = await authed("/api/health", {}, false);
    expect(refused.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await collectSse(await authed(run("/events")))).toHaveLength(finishedLastSeq);
  });
});

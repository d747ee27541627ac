import { request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./test-support/test-server.js";

interface RawAnswer {
  status: number;
  body: string;
}

/**
 * A request to 127.0.0.1 with a chosen `Host` header, as a browser sends it after a page's name
 * was rebound to 127.0.0.1 (fetch would not let a test set `Host`).
 */
function rawRequest(
  port: number,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path, method: body === undefined ? "GET" : "POST", headers },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("upgrade", (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, body: "" });
    });
    req.on("error", reject);
    req.end(body);
  });
}

const upgradeHeaders = {
  connection: "Upgrade",
  upgrade: "websocket",
  "sec-websocket-version": "13",
  "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
};

let server: TestServer | undefined;
afterEach(async () => {
  await server?.cleanup();
  server = undefined;
});

describe("Host check against DNS rebinding", () => {
  it("refuses a rebound name on HTTP and WebSocket with 421 and a JSON error", async () => {
    server = await startTestServer();
    const { port } = server;
    const hostile = { host: `evil.test:${port}`, origin: `http://evil.test:${port}` };
    const started = await rawRequest(
      port,
      "/api/runs",
      { ...hostile, "content-type": "application/json" },
      JSON.stringify({ crew: "duo", inputs: { topic: "salt" } }),
    );
    expect(started.status).toBe(421);
    expect(JSON.parse(started.body)).toMatchObject({
      error: { code: "bad_request", message: expect.stringMatching(/--allowed-hosts/) },
    });
    expect((await rawRequest(port, "/api/runs", hostile)).status).toBe(421);
    expect((await rawRequest(port, "/api/ws", { ...hostile, ...upgradeHeaders })).status).toBe(421);
    // The refused start created nothing.
    expect((await (await server.api("/api/runs")).json()).runs).toEqual([]);
  });

  it("answers loopback names on its own port only", async () => {
    server = await startTestServer();
    const { port } = server;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`])
      expect((await rawRequest(port, "/api/health", { host })).status, host).toBe(200);
    for (const host of ["127.0.0.1:1", "localhost", `127.0.0.1.evil.test:${port}`, `[::2]:${port}`])
      expect((await rawRequest(port, "/api/health", { host })).status, host).toBe(421);
    const socket = await rawRequest(port, "/api/ws", {
      host: `localhost:${port}`,
      ...upgradeHeaders,
    });
    expect(socket.status).toBe(101);
  });

  it("also answers names given in allowedHosts or CREWSTREAM_ALLOWED_HOSTS", async () => {
    server = await startTestServer({ allowedHosts: ["devbox.lan", "proxy.lan:8080"] });
    const { port } = server;
    expect((await rawRequest(port, "/api/health", { host: `devbox.lan:${port}` })).status).toBe(
      200,
    );
    expect((await rawRequest(port, "/api/health", { host: "proxy.lan:8080" })).status).toBe(200);
    expect((await rawRequest(port, "/api/health", { host: "proxy.lan:8081" })).status).toBe(421);
    await server.cleanup();

    process.env.CREWSTREAM_ALLOWED_HOSTS = "crew.internal, other.internal";
    try {
      server = await startTestServer();
    } finally {
      delete process.env.CREWSTREAM_ALLOWED_HOSTS;
    }
    expect((await rawRequest(server.port, "/api/health", { host: "crew.internal" })).status).toBe(
      200,
    );
    expect((await rawRequest(server.port, "/api/health", { host: "evil.test" })).status).toBe(421);
  });

  it("does not check Host when bound to a non-loopback interface", async () => {
    server = await startTestServer({ host: "0.0.0.0", token: "secret" });
    const answer = await rawRequest(server.port, "/api/health", {
      host: "crew.example.com",
      authorization: "Bearer secret",
    });
    expect(answer.status).toBe(200);
  });
});

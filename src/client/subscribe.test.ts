import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import type { CrewEvent } from "../events/index.js";
import { subscribe } from "./subscribe.js";

/** A local port nothing listens on: connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("subscribe", () => {
  it("stops waiting to reconnect when aborted, and ends without an error", async () => {
    const controller = new AbortController();
    const reconnects: number[] = [];
    const events = subscribe("r1", {
      baseUrl: `http://127.0.0.1:${await closedPort()}`,
      signal: controller.signal,
      retry: { initialDelayMs: 60_000, maxDelayMs: 60_000 },
      onReconnect: (info) => {
        reconnects.push(info.attempt);
        controller.abort();
      },
    });
    const started = Date.now();
    const seen: CrewEvent[] = [];
    for await (const event of events) seen.push(event);
    expect(seen).toEqual([]);
    expect(reconnects).toEqual([1]);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { CrewCatalog } from "../crew/index.js";
import { createOfflineModel } from "../offline/index.js";
import { catalogRunners, RunManager } from "../runs/index.js";
import { MemoryRunStore } from "../store/index.js";
import { StreamLimiter } from "./limits.js";
import { FIXTURE_CREWS, memoryLogger } from "./test-support/test-server.js";
import { attachWebSocket } from "./ws-endpoint.js";

const runs = new RunManager({
  store: new MemoryRunStore(),
  resolveRunner: catalogRunners(new CrewCatalog({ dirs: [FIXTURE_CREWS] })),
  model: createOfflineModel({ tokenMs: 0 }),
});
afterAll(() => runs.close());

describe("attachWebSocket", () => {
  it("ends sockets whose peer stopped answering pings and frees their stream slots", async () => {
    const server = createServer((_req, res) => res.end());
    const limiter = new StreamLimiter(4);
    const endpoint = attachWebSocket(server, {
      runs,
      logger: memoryLogger(),
      limiter,
      heartbeatMs: 50,
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const client = new WebSocket(`ws://127.0.0.1:${port}/api/ws`);
      await new Promise((resolve, reject) => client.once("open", resolve).once("error", reject));
      expect(limiter.openStreams("127.0.0.1")).toBe(1);
      // A peer that reads nothing never answers a ping, like one behind a dropped network.
      (client as unknown as { _socket: { pause(): void } })._socket.pause();
      await expect.poll(() => limiter.openStreams("127.0.0.1"), { timeout: 10_000 }).toBe(0);
      client.terminate();
    } finally {
      await endpoint.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

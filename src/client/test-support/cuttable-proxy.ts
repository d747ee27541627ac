/**
 * A TCP proxy in front of a test server whose connections can be cut at will, to test what
 * clients do when the network drops mid-stream.
 */
import { createConnection, createServer } from "node:net";
import type { AddressInfo, Server, Socket } from "node:net";

/** A running proxy. */
export interface CuttableProxy {
  /** `http://127.0.0.1:<port>` of the proxy. */
  url: string;
  /** Destroys every open connection (both sides), as a network failure would. */
  cut(): void;
  /** Connections cut so far. */
  readonly cuts: number;
  close(): Promise<void>;
}

/** Starts a proxy forwarding to `target` (an `http://host:port` URL). */
export async function startCuttableProxy(target: string): Promise<CuttableProxy> {
  const { hostname, port } = new URL(target);
  const open = new Set<Socket>();
  let cuts = 0;
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: hostname, port: Number(port) });
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on("close", () => open.delete(socket));
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    cut: () => {
      cuts += 1;
      for (const socket of open) socket.destroy();
    },
    get cuts() {
      return cuts;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

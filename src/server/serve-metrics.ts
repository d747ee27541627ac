/**
 * `serveMetrics`: `GET /metrics` on a listener of its own, for a process that serves no API
 * (`crewstream worker`), so an operator can scrape what its runs did. The same route, token
 * check and exposition as a server's `/metrics`; every other path is 404.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { RunMetrics } from "../observe/index.js";
import { metricsRoutes } from "./routes/metrics.js";

/** Options of {@link serveMetrics}. */
export interface ServeMetricsOptions {
  metrics: RunMetrics;
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** Port (0 picks a free one). */
  port: number;
  /** With a token, a scrape needs `Authorization: Bearer <token>`. */
  token?: string | undefined;
}

/** A listening metrics endpoint. */
export interface MetricsEndpoint {
  /** The scrape URL, `http://host:port/metrics`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Listens and resolves once scrapes are answered. */
export async function serveMetrics(options: ServeMetricsOptions): Promise<MetricsEndpoint> {
  const app = metricsRoutes(options.metrics, { token: options.token });
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = serve(
      { fetch: app.fetch, hostname: options.host ?? "127.0.0.1", port: options.port },
      () => resolve(listening as Server),
    );
    listening.once("error", reject);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}/metrics`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Prometheus keeps its scrape connection alive; cut it rather than wait for it.
        server.closeAllConnections();
      }),
  };
}

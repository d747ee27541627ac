/**
 * `GET /metrics`: the Prometheus text exposition of a process's {@link RunMetrics}. With a
 * token configured it needs the same `Authorization: Bearer` as `/api`.
 */
import { Hono } from "hono";
import type { RunMetrics } from "../../observe/index.js";
import { requireToken } from "../auth.js";
import type { StreamLimiter } from "../limits.js";

/**
 * Routes of the metrics resource. `limiter` is the API's stream limiter, where open streams are
 * counted; a process serving no streams (a worker) has none.
 */
export function metricsRoutes(
  metrics: RunMetrics,
  options: { limiter?: StreamLimiter; token?: string | undefined },
): Hono {
  // Open streams are counted where they are admitted, so every kind of stream is included.
  const limiter = options.limiter;
  if (limiter) metrics.countSubscribersWith(() => limiter.totalStreams);
  const app = new Hono();
  if (options.token) app.use("/metrics", requireToken(options.token));
  return app.get("/metrics", async (c) => {
    const text = await metrics.render();
    return c.body(text, 200, { "content-type": metrics.contentType });
  });
}

/** Observability: Prometheus metrics, OpenTelemetry traces and structured logs of runs. */
export { RunMetrics } from "./run-metrics.js";
export { createLogger, LOG_LEVELS, type LogFormat, type LogLevel } from "./create-logger.js";
export { runLog } from "./run-log.js";
export { startTracing } from "./tracing.js";

/** Observability: Prometheus metrics, OpenTelemetry traces and structured logs of runs. */
export { RunMetrics } from "./run-metrics.js";
export {
  createLogger,
  LOG_LEVELS,
  SECRET_ENV_VARS,
  type CreateLoggerOptions,
  type LogFormat,
  type LogLevel,
  type StructuredLogger,
} from "./create-logger.js";
export { runLog, type RunLogSink } from "./run-log.js";
export { RunTracer, RUN_ID_ATTRIBUTE } from "./run-tracer.js";
export {
  startTracing,
  tracingConfigured,
  type StartTracingOptions,
  type Tracing,
} from "./tracing.js";

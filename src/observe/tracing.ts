/**
 * Turns tracing on when the standard OpenTelemetry variables ask for it, and off otherwise at no
 * cost (no provider, no observer). Read: `OTEL_SDK_DISABLED`, `OTEL_EXPORTER_OTLP_ENDPOINT` /
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, `OTEL_EXPORTER_OTLP_PROTOCOL` /
 * `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` (`http/protobuf`, the default, or `http/json`),
 * `OTEL_SERVICE_NAME`, and the exporters' own `OTEL_EXPORTER_OTLP_*` settings (headers, timeout).
 */
import { OTLPTraceExporter as OtlpJsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as OtlpProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from "@opentelemetry/semantic-conventions";
import { CrewError, ErrorCode } from "../events/index.js";
import { RunTracer } from "./run-tracer.js";

/** Tracing of one process: the observer to attach and how to flush it on the way out. */
export interface Tracing {
  tracer: RunTracer;
  /** Ends open spans, exports what is buffered, and stops. */
  shutdown(): Promise<void>;
}

/** Options of {@link startTracing}. */
export interface StartTracingOptions {
  env?: NodeJS.ProcessEnv;
  /** `service.version` of the resource. */
  version?: string;
}

/** True when the environment configures an OTLP trace export and does not disable the SDK. */
export function tracingConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") return false;
  return !!(
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim()
  );
}

/** Starts tracing if configured (see the file comment); undefined otherwise. */
export function startTracing(options: StartTracingOptions = {}): Tracing | undefined {
  const env = options.env ?? process.env;
  if (!tracingConfigured(env)) return undefined;
  const protocol = (
    env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ??
    env.OTEL_EXPORTER_OTLP_PROTOCOL ??
    "http/protobuf"
  ).trim();
  // The signal-specific endpoint is used as is; the general one gets the traces path.
  const url =
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() ||
    `${env.OTEL_EXPORTER_OTLP_ENDPOINT!.trim().replace(/\/+$/, "")}/v1/traces`;
  let exporter;
  if (protocol === "http/json") exporter = new OtlpJsonExporter({ url });
  else if (protocol === "http/protobuf") exporter = new OtlpProtoExporter({ url });
  else
    throw new CrewError(
      ErrorCode.BAD_REQUEST,
      `OTEL_EXPORTER_OTLP_PROTOCOL=${protocol} is not supported: use http/protobuf or http/json.`,
    );
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME?.trim() || "crewstream",
      ...(options.version ? { [ATTR_SERVICE_VERSION]: options.version } : {}),
    }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1000 })],
  });
  const tracer = new RunTracer(provider.getTracer("crewstream"));
  return {
    tracer,
    async shutdown() {
      tracer.endAll();
      await provider.shutdown();
    },
  };
}

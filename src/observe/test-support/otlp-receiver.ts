/** Test support: an OTLP/HTTP trace receiver on 127.0.0.1 that keeps every export it is sent. */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/** One received export request. */
export interface OtlpRequest {
  path: string;
  contentType: string;
  body: Buffer;
}

/** An attribute value as OTLP/JSON writes it. */
export type OtlpValue = {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values: OtlpValue[] };
};

/** A span as OTLP/JSON writes it. */
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Array<{ key: string; value: OtlpValue }>;
  events?: Array<{ name: string; attributes: Array<{ key: string; value: OtlpValue }> }>;
  status?: { code?: number; message?: string };
}

/** A running receiver. */
export interface OtlpReceiver {
  /** Base URL, for `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  url: string;
  requests: OtlpRequest[];
  /** Every span of every JSON export received so far, with its resource's attributes. */
  jsonSpans(): Array<OtlpSpan & { resource: Record<string, unknown> }>;
  close(): Promise<void>;
}

/** A plain value of an OTLP attribute. */
export function plain(value: OtlpValue | undefined): unknown {
  if (value === undefined) return undefined;
  if (value.arrayValue) return value.arrayValue.values.map(plain);
  if (value.intValue !== undefined) return Number(value.intValue);
  return value.stringValue ?? value.doubleValue ?? value.boolValue;
}

/** The attributes of a span as a plain object. */
export function attributesOf(span: Pick<OtlpSpan, "attributes">): Record<string, unknown> {
  return Object.fromEntries(span.attributes.map((a) => [a.key, plain(a.value)]));
}

function read(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

/** Starts a receiver answering every export with 200. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const requests: OtlpRequest[] = [];
  const server = createServer((request, response) => {
    read(request)
      .then((body) => {
        requests.push({
          path: request.url ?? "",
          contentType: request.headers["content-type"] ?? "",
          body,
        });
        const json = (request.headers["content-type"] ?? "").includes("json");
        response.writeHead(200, {
          "content-type": json ? "application/json" : "application/x-protobuf",
        });
        response.end(json ? "{}" : "");
      })
      .catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    jsonSpans() {
      return requests
        .filter((r) => r.contentType.includes("json"))
        .flatMap((r) => {
          const body = JSON.parse(r.body.toString("utf8")) as {
            resourceSpans: Array<{
              resource: { attributes: OtlpSpan["attributes"] };
              scopeSpans: Array<{ spans: OtlpSpan[] }>;
            }>;
          };
          return body.resourceSpans.flatMap((rs) =>
            rs.scopeSpans.flatMap((ss) =>
              ss.spans.map((span) => ({ ...span, resource: attributesOf(rs.resource) })),
            ),
          );
        });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

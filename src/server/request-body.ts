/**
 * Request bodies and their size limit. Under @hono/node-server a body is read straight from
 * the Node request: making a web `Request` and reading it through a `ReadableStream` cost more
 * CPU than the rest of starting a run (about 0.2 ms a request). Elsewhere (a Next.js route,
 * any fetch runtime) Hono's `bodyLimit` and `c.req.text()` do the same job.
 */
import { IncomingMessage } from "node:http";
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { CrewError, ErrorCode } from "../events/index.js";

/** The limit of each Node request let through by {@link limitRequestBody}. */
const nodeLimits = new WeakMap<IncomingMessage, number>();

function tooLarge(maxBytes: number): CrewError {
  return new CrewError(
    ErrorCode.PAYLOAD_TOO_LARGE,
    `The body is larger than ${maxBytes} bytes; send less.`,
  );
}

/** The Node request behind a Hono context, when the app runs under @hono/node-server. */
function nodeRequestOf(c: Context): IncomingMessage | undefined {
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
  return incoming instanceof IncomingMessage ? incoming : undefined;
}

/**
 * Middleware refusing bodies over `maxBytes` with `payload_too_large`: at once when
 * `Content-Length` says so, else while the body is read.
 */
export function limitRequestBody(maxBytes: number): MiddlewareHandler {
  const viaHono = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw tooLarge(maxBytes);
    },
  });
  return (c, next) => {
    const incoming = nodeRequestOf(c);
    if (incoming === undefined) return viaHono(c, next);
    const declared = Number(incoming.headers["content-length"]);
    if (incoming.headers["transfer-encoding"] === undefined && declared > maxBytes)
      throw tooLarge(maxBytes);
    nodeLimits.set(incoming, maxBytes);
    return next();
  };
}

/** Reads a Node request's body as UTF-8, refusing it once it passes `maxBytes`. */
function readNodeBody(incoming: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks, size).toString("utf8"));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(new CrewError(ErrorCode.BAD_REQUEST, `Reading the body failed: ${error.message}`));
    };
    const cleanup = (): void => {
      incoming.off("data", onData);
      incoming.off("end", onEnd);
      incoming.off("error", onError);
    };
    incoming.on("data", onData);
    incoming.once("end", onEnd);
    incoming.once("error", onError);
  });
}

/** The request body as text, within the limit {@link limitRequestBody} set. */
export function requestBodyText(c: Context): Promise<string> {
  const incoming = nodeRequestOf(c);
  const maxBytes = incoming && nodeLimits.get(incoming);
  return incoming === undefined || maxBytes === undefined
    ? c.req.text()
    : readNodeBody(incoming, maxBytes);
}

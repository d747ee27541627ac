/**
 * Reading and validating request input at the edge: JSON bodies (415 when not JSON, 400 with a
 * message that says what to fix) and query parameters.
 */
import type { Context } from "hono";
import { z } from "zod";
import { CrewError, ErrorCode } from "../events/index.js";
import { requestBodyText } from "./request-body.js";

/** True when the content type is `application/json` or a `+json` type. */
function isJsonContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const mediaType = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return mediaType === "application/json" || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType);
}

/**
 * Reads the request body as JSON and validates it with `schema`.
 * Throws `unsupported_media_type` unless the body is `application/json`, and `bad_request`
 * naming the problem when it is not JSON or does not match.
 */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  if (!isJsonContentType(c.req.header("content-type"))) {
    throw new CrewError(
      ErrorCode.UNSUPPORTED_MEDIA_TYPE,
      "The body must be JSON: send Content-Type: application/json.",
    );
  }
  const text = await requestBodyText(c);
  if (text.trim() === "")
    throw new CrewError(ErrorCode.BAD_REQUEST, "The body is empty; send a JSON object.");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new CrewError(ErrorCode.BAD_REQUEST, `The body is not valid JSON (${detail}).`);
  }
  return validate(schema, value, "body");
}

/** Validates a value, throwing `bad_request` with zod's readable summary of what is wrong. */
export function validate<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new CrewError(
      ErrorCode.BAD_REQUEST,
      `Invalid ${what}: ${z.prettifyError(parsed.error).replace(/\n/g, "; ")}`,
    );
  }
  return parsed.data;
}

/**
 * Parses a cursor (`Last-Event-ID` or `?after=`): a non-negative integer in decimal.
 * Throws `bad_cursor` for anything else. Absent means 0 (from the start).
 */
export function parseCursor(text: string | undefined, name: string): number {
  if (text === undefined) return 0;
  const trimmed = text.trim();
  if (!/^\d{1,15}$/.test(trimmed)) {
    throw new CrewError(
      ErrorCode.BAD_CURSOR,
      `${name} must be a non-negative integer (the last seq you saw), not ${JSON.stringify(text.slice(0, 40))}.`,
    );
  }
  return Number(trimmed);
}

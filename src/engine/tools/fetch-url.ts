/**
 * The built-in `fetch_url` tool: fetches a web page or text document over http(s).
 *
 * Addresses are checked when the socket connects (a custom DNS `lookup`), not only before the
 * request, so a host name that re-resolves to a private address (DNS rebinding) is refused too.
 */
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { tool, type Tool } from "ai";
import { z } from "zod";
import { CrewError, ErrorCode } from "../../events/index.js";
import { htmlToText } from "./html-to-text.js";
import { isPrivateAddress } from "./private-address.js";

/** Largest response body `fetch_url` reads, in bytes; longer bodies are cut. */
export const FETCH_URL_MAX_BYTES = 512 * 1024;
/** How long one fetch may take. */
export const FETCH_URL_TIMEOUT_MS = 10_000;
const MAX_REDIRECTS = 5;
const TEXT_TYPES = /^(text\/|application\/(json|xml|xhtml\+xml|javascript|[\w.+-]+\+(json|xml)))/i;

/** Options of {@link createFetchUrlTool}. */
export interface FetchUrlOptions {
  /** Allow loopback, private, link-local and unique-local addresses (local services, tests). */
  allowPrivateUrls?: boolean;
  /** Body limit in bytes (default {@link FETCH_URL_MAX_BYTES}). */
  maxBytes?: number;
  /** Timeout in ms (default {@link FETCH_URL_TIMEOUT_MS}). */
  timeoutMs?: number;
}

function refuse(message: string): never {
  throw new CrewError(ErrorCode.TOOL_ERROR, message);
}

/** A DNS lookup that fails for private addresses. */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, "", 0);
    const refused = addresses.find((a) => isPrivateAddress(a.address));
    if (refused !== undefined || addresses.length === 0) {
      const reason = new CrewError(
        ErrorCode.TOOL_ERROR,
        `fetch_url refuses ${hostname}: it resolves to a private address (${refused?.address ?? "none"}).`,
      );
      return callback(reason, "", 0);
    }
    if (options.all)
      return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    const first = addresses[0] as LookupAddress;
    callback(null, first.address, first.family);
  });
};

interface Fetched {
  status: number;
  location?: string;
  contentType: string;
  body: string;
  truncated: boolean;
}

function requestOnce(
  url: URL,
  signal: AbortSignal,
  allowPrivate: boolean,
  maxBytes: number,
): Promise<Fetched> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (!allowPrivate && isIP(host) !== 0 && isPrivateAddress(host)) {
    refuse(
      `fetch_url refuses ${url.host}: private, loopback and link-local addresses are not allowed.`,
    );
  }
  const client = url.protocol === "https:" ? https : http;
  return new Promise<Fetched>((resolve, reject) => {
    const request = client.get(
      url,
      {
        signal,
        headers: {
          accept: "text/html,text/plain,application/json;q=0.9,*/*;q=0.5",
          "user-agent": "crewstream",
        },
        ...(allowPrivate ? {} : { lookup: guardedLookup }),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let done = false;
        const finish = (truncated: boolean): void => {
          done = true;
          resolve({
            status: response.statusCode ?? 0,
            ...(response.headers.location ? { location: response.headers.location } : {}),
            contentType: response.headers["content-type"] ?? "",
            body: Buffer.concat(chunks).toString("utf8"),
            truncated,
          });
        };
        response.on("data", (chunk: Buffer) => {
          if (done) return;
          const room = maxBytes - size;
          if (chunk.length > room) {
            chunks.push(chunk.subarray(0, room));
            finish(true);
            response.destroy();
            return;
          }
          chunks.push(chunk);
          size += chunk.length;
        });
        response.on("end", () => done || finish(false));
        response.on("error", (error) => done || reject(error));
      },
    );
    request.on("error", reject);
  });
}

/** Fetches `rawUrl` as text, following up to 5 redirects (each one checked again). */
export async function fetchText(
  rawUrl: string,
  signal: AbortSignal,
  options: FetchUrlOptions = {},
): Promise<string> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    refuse(`fetch_url needs an absolute http(s) URL; "${rawUrl}" is not one.`);
  }
  for (let redirects = 0; ; redirects++) {
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      refuse(`fetch_url only fetches http and https URLs, not ${url.protocol}`);
    }
    let page: Fetched;
    try {
      page = await requestOnce(
        url,
        signal,
        options.allowPrivateUrls ?? false,
        options.maxBytes ?? FETCH_URL_MAX_BYTES,
      );
    } catch (error) {
      if (CrewError.is(error)) throw error;
      if (
        signal.aborted &&
        signal.reason instanceof Error &&
        signal.reason.name === "TimeoutError"
      ) {
        refuse(
          `fetch_url: ${url.href} did not answer within ${(options.timeoutMs ?? FETCH_URL_TIMEOUT_MS) / 1000} s.`,
        );
      }
      throw new CrewError(
        ErrorCode.TOOL_ERROR,
        `fetch_url could not fetch ${url.href}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (page.status >= 300 && page.status < 400 && page.location !== undefined) {
      if (redirects >= MAX_REDIRECTS)
        refuse(`fetch_url: ${rawUrl} redirects more than ${MAX_REDIRECTS} times.`);
      url = new URL(page.location, url);
      continue;
    }
    if (page.status >= 400) refuse(`fetch_url: ${url.href} answered HTTP ${page.status}.`);
    if (page.contentType !== "" && !TEXT_TYPES.test(page.contentType)) {
      refuse(`fetch_url: ${url.href} is ${page.contentType.split(";")[0]}, not text.`);
    }
    const text = /html/i.test(page.contentType) ? htmlToText(page.body) : page.body;
    return page.truncated
      ? `${text}\n[truncated at ${options.maxBytes ?? FETCH_URL_MAX_BYTES} bytes]`
      : text;
  }
}

/** Creates the `fetch_url` tool. */
export function createFetchUrlTool(options: FetchUrlOptions = {}): Tool<{ url: string }, string> {
  return tool({
    description:
      "Fetch a web page or text document over http(s) and return its text (HTML tags removed).",
    inputSchema: z.object({ url: z.string().describe("Absolute http or https URL") }),
    execute: async ({ url }, { abortSignal }) => {
      const timeout = AbortSignal.timeout(options.timeoutMs ?? FETCH_URL_TIMEOUT_MS);
      const signal = abortSignal ? AbortSignal.any([abortSignal, timeout]) : timeout;
      return fetchText(url, signal, options);
    },
  });
}

/**
 * The process's log: one JSON object per line (pino), or the same records made readable for a
 * terminal (pino-pretty). Every record has `level`, `time` and `msg`; records about a run carry
 * `runId` and `crew` (see {@link StructuredLogger.child}).
 *
 * No secret is ever written: every line passes through a filter that replaces the values of the
 * API key and token variables set in the environment, and fields named like credentials are
 * redacted, whatever logged them.
 */
import pino, { type Logger as PinoLogger } from "pino";
import pinoPretty from "pino-pretty";

/** How log lines look. */
export type LogFormat = "json" | "pretty";

/** The levels `--log-level` accepts, quietest last. */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Environment variables whose values are secrets, never to appear in a log line. */
const SECRET_ENV_VARS = [
  "OPENAI_API_KEY",
  "ANTHROPIC_API_KEY",
  "OPENROUTER_API_KEY",
  "CREWSTREAM_API_KEY",
  "CREWSTREAM_TOKEN",
] as const;

/** A logger with the server's `info`/`warn`/`error` shape, plus `child` for a run's fields. */
export interface StructuredLogger {
  info(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
  debug(message: string, ...details: unknown[]): void;
  /** A logger whose every record also carries `bindings` (e.g. `{ runId, crew }`). */
  child(bindings: Record<string, string>): StructuredLogger;
}

/** Options of {@link createLogger}. */
export interface CreateLoggerOptions {
  /** Default: pretty when `destination` is a terminal, JSON otherwise. */
  format?: LogFormat;
  /** Default `info`. */
  level?: LogLevel;
  /** Where lines go (default stderr, so stdout stays for a command's output). */
  destination?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Secrets to keep out of the log (default: the values of {@link SECRET_ENV_VARS}). */
  secrets?: readonly string[];
  /** Where secret variables are read (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

/** Credential-looking fields, redacted wherever a record carries them. */
const REDACT_PATHS = [
  "authorization",
  "apiKey",
  "token",
  "headers.authorization",
  "*.authorization",
  "*.apiKey",
  "*.token",
  "*.headers.authorization",
];

/** Replaces every occurrence of a secret in `line` (secrets of 4+ characters; shorter ones would hit ordinary text). */
function scrubber(secrets: readonly string[]): (line: string) => string {
  const present = [...new Set(secrets)].filter((s) => s.length >= 4);
  if (present.length === 0) return (line) => line;
  return (line) => {
    let out = line;
    for (const secret of present) {
      if (out.includes(secret)) out = out.split(secret).join("[redacted]");
      // A secret inside a JSON string is written with its escapes.
      const escaped = JSON.stringify(secret).slice(1, -1);
      if (escaped !== secret && out.includes(escaped)) out = out.split(escaped).join("[redacted]");
    }
    return out;
  };
}

/** Turns `(message, ...details)` into pino's `(fields, message)`: errors go under `err`. */
function wrap(logger: PinoLogger): StructuredLogger {
  const write =
    (level: "info" | "warn" | "error" | "debug") =>
    (message: string, ...details: unknown[]): void => {
      if (details.length === 0) {
        logger[level](message);
        return;
      }
      const fields: Record<string, unknown> = {};
      const rest: unknown[] = [];
      for (const detail of details) {
        if (detail instanceof Error) fields.err = detail;
        else if (detail !== null && typeof detail === "object" && !Array.isArray(detail))
          Object.assign(fields, detail);
        else if (detail !== undefined) rest.push(detail);
      }
      if (rest.length > 0) fields.details = rest;
      logger[level](fields, message);
    };
  return {
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
    debug: write("debug"),
    child: (bindings) => wrap(logger.child(bindings)),
  };
}

/** Creates the process's logger; see the file comment. */
export function createLogger(options: CreateLoggerOptions = {}): StructuredLogger {
  const destination = options.destination ?? process.stderr;
  const format = options.format ?? (destination.isTTY === true ? "pretty" : "json");
  const env = options.env ?? process.env;
  const secrets =
    options.secrets ??
    SECRET_ENV_VARS.map((name) => env[name]?.trim()).filter((v): v is string => !!v);
  const scrub = scrubber(secrets);
  const stream =
    format === "pretty"
      ? pinoPretty({
          destination,
          sync: true,
          colorize: destination.isTTY === true,
          ignore: "pid,hostname",
        })
      : destination;
  const logger = pino(
    {
      level: options.level ?? "info",
      base: null,
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      hooks: { streamWrite: scrub },
    },
    stream,
  );
  return wrap(logger);
}

/**
 * Flags that several commands share, each declared once here with its environment variable
 * and, for numbers, the one number parser. Commands add them with `addOption(...)`.
 */
import { Option } from "commander";
import { LOG_LEVELS } from "../observe/index.js";
import { numberArg } from "./parse-number.js";

/** `--db <path>` / `CREWSTREAM_DB`: the SQLite database of runs. */
export function dbFlag(): Option {
  return new Option(
    "--db <path>",
    "SQLite database of runs (default .crewstream/crewstream.db)",
  ).env("CREWSTREAM_DB");
}

/**
 * `--crews <dir...>`: folders holding crews. `CREWSTREAM_CREWS` (a list separated by `:`, `;`
 * or `,`) is read by `resolveCrewDirs`, since commander takes a variadic flag's variable as one
 * folder.
 */
export function crewsFlag(fallback: string): Option {
  return new Option(
    "--crews <dir...>",
    `folders holding crews (env CREWSTREAM_CREWS; default: ${fallback})`,
  );
}

/** Environment variable of a run's time limit (`run --timeout`, `serve --run-timeout`). */
const RUN_TIMEOUT_ENV = "CREWSTREAM_RUN_TIMEOUT_MS";

/**
 * A run's time limit in ms / `CREWSTREAM_RUN_TIMEOUT_MS`: `--timeout` on `run`, `--run-timeout`
 * (the default of every run) on `serve`. Past it the run fails with code `timeout`.
 */
export function runTimeoutFlag(flag: "--timeout" | "--run-timeout"): Option {
  return new Option(
    `${flag} <ms>`,
    flag === "--timeout"
      ? "fail the run (code timeout) after this many milliseconds"
      : "fail runs started without timeoutMs after this many milliseconds",
  )
    .env(RUN_TIMEOUT_ENV)
    .argParser(numberArg({ min: 1, unit: "milliseconds" }));
}

/** `-m, --model <provider/model>` / `CREWSTREAM_MODEL`: the model of every agent. */
export function modelFlag(): Option {
  return new Option(
    "-m, --model <provider/model>",
    "model for every agent, e.g. openai/gpt-4o-mini, offline",
  ).env("CREWSTREAM_MODEL");
}

/**
 * `--no-persist` / `CREWSTREAM_NO_PERSIST`: runs in memory only. Commander reads a boolean
 * flag's variable as set or not, whatever its value.
 */
export function noPersistFlag(description: string): Option {
  return new Option("--no-persist", description).env("CREWSTREAM_NO_PERSIST");
}

/** The Redis flags of `worker` and `serve --redis`. */
export function redisFlags(): Option[] {
  return [
    new Option("--redis <url>", "Redis URL, e.g. redis://127.0.0.1:6379").env(
      "CREWSTREAM_REDIS_URL",
    ),
    new Option("--redis-prefix <prefix>", "prefix of crewstream's Redis keys (default cs:)").env(
      "CREWSTREAM_REDIS_PREFIX",
    ),
    new Option(
      "--stall-ms <ms>",
      "a run without a worker heartbeat this long is interrupted (default 15000)",
    )
      .env("CREWSTREAM_STALL_MS")
      .argParser(numberArg({ min: 100, unit: "milliseconds" })),
    new Option(
      "--retention-ms <ms>",
      "how long finished runs stay in Redis (default 7 days; 0 forever)",
    )
      .env("CREWSTREAM_RETENTION_MS")
      .argParser(numberArg({ min: 0, unit: "milliseconds" })),
  ];
}

/** `--metrics <on|off>` / `CREWSTREAM_METRICS`: serve `GET /metrics` (default on). */
export function metricsFlag(): Option {
  return new Option("--metrics <on|off>", "serve Prometheus metrics at GET /metrics")
    .env("CREWSTREAM_METRICS")
    .choices(["on", "off"])
    .default("on");
}

/** `--log-format <json|pretty>` / `CREWSTREAM_LOG_FORMAT`: one JSON object per line, or readable lines. */
export function logFormatFlag(): Option {
  return new Option(
    "--log-format <format>",
    "log lines as JSON objects or readable text (default: pretty in a terminal, else json)",
  )
    .env("CREWSTREAM_LOG_FORMAT")
    .choices(["json", "pretty"]);
}

/** `--log-level <level>` / `CREWSTREAM_LOG_LEVEL`: the quietest level logged. */
export function logLevelFlag(): Option {
  return new Option("--log-level <level>", "least severe level logged")
    .env("CREWSTREAM_LOG_LEVEL")
    .choices(LOG_LEVELS)
    .default("info");
}

/**
 * What a server says when it starts: where it listens, which model its runs use (and how to
 * change it when that is the offline demo model), the crews it loaded and those that failed,
 * where runs are kept, whether the API needs a token, and in cluster mode the Redis URL and
 * the server's role. One block of text, written once through the server's logger.
 */
import type { CrewListing } from "../events/index.js";
import { defaultModelSpec, describeModel, type ModelInstance } from "../llm/index.js";

/** Where a server keeps its runs, as the banner names it. */
export type BannerStore =
  | { kind: "sqlite"; path: string }
  | { kind: "memory" }
  | { kind: "custom" }
  /** A cluster server: runs in Redis (`url` already redacted), executed by workers. */
  | { kind: "redis"; url: string; prefix?: string };

/** What {@link formatStartBanner} describes. */
export interface StartBannerInfo {
  url: string;
  /** The model given for every agent (`--model`, `CREWSTREAM_MODEL`), if any. */
  model?: string | ModelInstance | undefined;
  /** The crews as `GET /api/crews` lists them (failed ones carry `error`). */
  crews: readonly CrewListing[];
  /** The crews folders the crews come from. */
  crewsDirs: readonly string[];
  store: BannerStore;
  tokenRequired: boolean;
  env?: NodeJS.ProcessEnv;
}

/** Width of the label column. */
const LABEL = 10;

const row = (label: string, text: string): string => `  ${label.padEnd(LABEL)}${text}`;
const more = (text: string): string => `  ${" ".repeat(LABEL)}${text}`;

/** The banner's lines, joined with newlines (no trailing newline). */
export function formatStartBanner(info: StartBannerInfo): string {
  const lines = [`crewstream listening on ${info.url}`];
  lines.push(...modelLines(info));
  lines.push(...crewLines(info));
  lines.push(storeLine(info.store));
  if (info.store.kind === "redis") {
    lines.push(
      row("role", "server: runs are queued in Redis and executed by `crewstream worker` processes"),
    );
  }
  lines.push(
    row(
      "token",
      info.tokenRequired
        ? "required: send Authorization: Bearer <token> on every /api call"
        : "not required (set CREWSTREAM_TOKEN to require one)",
    ),
  );
  return lines.join("\n");
}

function modelLines(info: StartBannerInfo): string[] {
  if (info.store.kind === "redis") {
    return [row("model", "chosen by each worker (worker --model, CREWSTREAM_MODEL)")];
  }
  const env = info.env ?? process.env;
  const given = info.model !== undefined;
  const label = describeModel(info.model ?? defaultModelSpec(env));
  const scope = given ? "every agent" : "agents without their own llm";
  if (label !== "offline") return [row("model", `${label} (${scope})`)];
  if (given)
    return [row("model", `offline, the built-in demo model (${scope}; chosen by --model)`)];
  return [
    row("model", `offline, the built-in demo model: no API key is set (${scope})`),
    more("to change it: OPENAI_API_KEY=sk-... (or CREWSTREAM_MODEL=<provider/model> + its key)"),
  ];
}

function crewLines(info: StartBannerInfo): string[] {
  const loaded = info.crews.filter((crew) => crew.error === undefined);
  const failed = info.crews.filter((crew) => crew.error !== undefined);
  const from = info.crewsDirs.length === 1 ? info.crewsDirs[0] : info.crewsDirs.join(", ");
  const names = loaded.map((crew) => (crew.default ? `${crew.name} (default)` : crew.name));
  const lines = [
    row("crews", names.length === 0 ? `none in ${from}` : `${names.join(", ")}  from ${from}`),
  ];
  for (const crew of failed) {
    lines.push(row("failed", `${crew.name}: ${crew.error?.message ?? "could not be loaded"}`));
  }
  return lines;
}

function storeLine(store: BannerStore): string {
  switch (store.kind) {
    case "sqlite":
      return row("database", store.path);
    case "memory":
      return row("database", "none: runs are kept in memory and lost when the server stops");
    case "custom":
      return row("database", "the run store given to startServer");
    case "redis":
      return row(
        "redis",
        store.url + (store.prefix === undefined ? "" : ` (keys ${store.prefix}*)`),
      );
  }
}

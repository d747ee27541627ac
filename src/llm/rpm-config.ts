/**
 * Requests-per-minute limits per provider and model, from configuration such as
 * `CREWSTREAM_RPM="openai/gpt-4o-mini=60,compatible/*=30"`, applied to every model request of
 * every run that shares a rate limiter.
 *
 * Rules are written like model strings (`provider/model`, `*` for any model or provider) and are
 * matched against the rate limiter's model keys, `model:<AI SDK provider id>/<model id>` (e.g.
 * `model:openai.responses/gpt-4o-mini`, `model:compatible.chat/llama3`): the rule's provider
 * matches the provider id's first dot-separated part, or the whole id.
 */
import { CrewError, ErrorCode } from "../events/index.js";
import type { AcquireOptions, RateLimiterLike } from "./rate-limiter.js";

/** One limit: requests per minute for a provider's model (or `*`). */
export interface RpmRule {
  provider: string;
  model: string;
  rpm: number;
}

/** Environment variable read by {@link rpmRulesFromEnv}. */
const RPM_ENV = "CREWSTREAM_RPM";

/**
 * Parses `provider/model=rpm` entries separated by commas (blank text: no rules). Throws
 * `bad_request` naming the entry that is not of that form or whose rpm is not a positive number.
 */
export function parseRpmRules(text: string | undefined): RpmRule[] {
  const rules: RpmRule[] = [];
  for (const raw of (text ?? "").split(",")) {
    const entry = raw.trim();
    if (entry === "") continue;
    const match = /^([^/=\s]+)\/([^=\s]+)=(\d+(?:\.\d+)?)$/.exec(entry);
    const rpm = Number(match?.[3]);
    if (!match || !(rpm > 0)) {
      throw new CrewError(
        ErrorCode.BAD_REQUEST,
        `${RPM_ENV} entry "${entry}" must look like provider/model=requests-per-minute, e.g. openai/gpt-4o-mini=60 or compatible/*=30.`,
      );
    }
    rules.push({ provider: match[1]!.toLowerCase(), model: match[2]!, rpm });
  }
  return rules;
}

/** The rules in `env.CREWSTREAM_RPM`. */
export function rpmRulesFromEnv(env: NodeJS.ProcessEnv = process.env): RpmRule[] {
  return parseRpmRules(env[RPM_ENV]);
}

/**
 * The limit for a rate-limiter key: the strictest rule that matches it, or undefined. Keys that
 * are not model keys (e.g. `agent:<key>`) match no rule.
 */
export function rpmForKey(rules: readonly RpmRule[], key: string): number | undefined {
  if (!key.startsWith("model:")) return undefined;
  const spec = key.slice("model:".length);
  const slash = spec.indexOf("/");
  if (slash < 0) return undefined;
  const providerId = spec.slice(0, slash).toLowerCase();
  const model = spec.slice(slash + 1);
  let limit: number | undefined;
  for (const rule of rules) {
    const providerMatches =
      rule.provider === "*" ||
      rule.provider === providerId ||
      rule.provider === providerId.split(".")[0];
    if (providerMatches && (rule.model === "*" || rule.model === model)) {
      limit = limit === undefined ? rule.rpm : Math.min(limit, rule.rpm);
    }
  }
  return limit;
}

/**
 * A rate limiter that applies `rules` on top of another one (by default the process's shared
 * limiter): every acquire of a matching model key is limited to the rule's rpm, or to the
 * caller's own `rpm` when that is stricter. Requests are still counted by the inner limiter, so
 * runs with and without the wrapper share one window per key.
 */
export class RpmRulesLimiter implements RateLimiterLike {
  constructor(
    readonly inner: RateLimiterLike,
    readonly rules: readonly RpmRule[],
  ) {}

  acquire(key: string, options: AcquireOptions = {}): Promise<void> {
    const rule = rpmForKey(this.rules, key);
    if (rule === undefined) return this.inner.acquire(key, options);
    const rpm = options.rpm === undefined ? rule : Math.min(options.rpm, rule);
    return this.inner.acquire(key, { ...options, rpm });
  }

  penalize(key: string, retryAfterMs: number): void | Promise<void> {
    return this.inner.penalize(key, retryAfterMs);
  }

  setLimit(key: string, rpm: number | undefined): void | Promise<void> {
    return this.inner.setLimit(key, rpm);
  }
}

let configured: { text: string | undefined; limiter: RateLimiterLike } | undefined;

/**
 * The process's shared rate limiter with the `CREWSTREAM_RPM` rules applied (the shared
 * limiter itself when there are none). Rebuilt only when the variable changes.
 */
export function configuredRateLimiter(
  shared: RateLimiterLike,
  env: NodeJS.ProcessEnv = process.env,
): RateLimiterLike {
  const text = env[RPM_ENV];
  if (configured?.text !== text || !configured) {
    const rules = parseRpmRules(text);
    configured = {
      text,
      limiter: rules.length === 0 ? shared : new RpmRulesLimiter(shared, rules),
    };
  }
  return configured.limiter;
}

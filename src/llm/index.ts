/** Models: "provider/model" resolution, the offline model, the shared rate limiter and retries. */
export { resolveModel, describeModel, defaultModelSpec } from "./resolve-model.js";
export { MODEL_PROVIDER_LIST } from "./model-providers.js";
export type { ModelInstance, ResolveModelOptions } from "./resolve-model.js";
export { RateLimiter, sharedRateLimiter } from "./rate-limiter.js";
export type { AcquireOptions, RateLimiterLike } from "./rate-limiter.js";
export { classifyModelError } from "./classify-model-error.js";
export { callWithRetry } from "./retry.js";
export type { RetryInfo, RetryOptions } from "./retry.js";
export {
  configuredRateLimiter,
  parseRpmRules,
  rpmRulesFromEnv,
  rpmForKey,
  RpmRulesLimiter,
} from "./rpm-config.js";
export type { RpmRule } from "./rpm-config.js";
export {
  BUILT_IN_PRICES,
  costOf,
  priceOf,
  priceTable,
  PRICES_CHECKED,
  PRICES_ENV,
} from "./prices.js";
export type { ModelPrice, PriceTable } from "./prices.js";
export {
  withModelTimeouts,
  modelTimeouts,
  DEFAULT_MODEL_TIMEOUTS,
  MODEL_IDLE_TIMEOUT_ENV,
  MODEL_CALL_TIMEOUT_ENV,
} from "./model-timeouts.js";
export type { ModelTimeouts } from "./model-timeouts.js";

/** Models: "provider/model" resolution, the offline model, the shared rate limiter and retries. */
export {
  resolveModel,
  describeModel,
  defaultModelSpec,
  MODEL_PROVIDERS,
  DEFAULT_OPENAI_MODEL,
} from "./resolve-model.js";
export type { ModelInstance, ResolveModelOptions } from "./resolve-model.js";
export { RateLimiter, sharedRateLimiter } from "./rate-limiter.js";
export type { AcquireOptions, RateLimiterLike, RateLimiterOptions } from "./rate-limiter.js";
export { classifyModelError, retryAfterMs } from "./classify-model-error.js";
export type { ModelErrorClass } from "./classify-model-error.js";
export { callWithRetry } from "./retry.js";
export type { RetryInfo, RetryOptions } from "./retry.js";
export {
  configuredRateLimiter,
  parseRpmRules,
  rpmRulesFromEnv,
  rpmForKey,
  RpmRulesLimiter,
  RPM_ENV,
} from "./rpm-config.js";
export type { RpmRule } from "./rpm-config.js";
export {
  withModelTimeouts,
  modelTimeouts,
  DEFAULT_MODEL_TIMEOUTS,
  MODEL_IDLE_TIMEOUT_ENV,
  MODEL_CALL_TIMEOUT_ENV,
} from "./model-timeouts.js";
export type { ModelTimeouts } from "./model-timeouts.js";

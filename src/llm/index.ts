/** Models: "provider/model" resolution, the offline model, the shared rate limiter and retries. */
export { resolveModel, describeModel, defaultModelSpec } from "./resolve-model.js";
export { MODEL_PROVIDER_LIST } from "./model-providers.js";
export type { ModelInstance, ResolveModelOptions } from "./resolve-model.js";
export { RateLimiter, sharedRateLimiter } from "./rate-limiter.js";
export type { AcquireOptions, RateLimiterLike } from "./rate-limiter.js";
export { classifyModelError } from "./classify-model-error.js";
export { callWithRetry } from "./retry.js";
export type { RetryInfo } from "./retry.js";
export { configuredRateLimiter } from "./rpm-config.js";
export { priceOf } from "./prices.js";
export type { ModelPrice } from "./prices.js";
export { withModelTimeouts, modelTimeouts, MODEL_IDLE_TIMEOUT_ENV } from "./model-timeouts.js";
export type { ModelTimeouts } from "./model-timeouts.js";

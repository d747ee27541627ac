/** The built-in offline model: deterministic, labelled, paced like a real one; works with no key. */
export { createOfflineModel, OFFLINE_PROVIDER } from "./offline-model.js";
export type { OfflineModelOptions } from "./offline-model.js";
export { OFFLINE_LABEL } from "./offline-answers.js";

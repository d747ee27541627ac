/** Resolves the model of an agent from its spec. */
import type { LanguageModel } from "ai";
import { CrewError, ErrorCode } from "../events/index.js";
import { createOfflineModel } from "../llm/offline-model.js";

/** A model spec ("provider/model", an instance, or undefined for the default) as a model. */
export function resolveAgentModel(spec: LanguageModel | undefined): LanguageModel {
  if (spec === undefined || spec === "offline") return createOfflineModel();
  if (typeof spec !== "string") return spec;
  throw new CrewError(ErrorCode.UNKNOWN_PROVIDER, `Unknown model "${spec}".`);
}

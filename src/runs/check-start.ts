/** The checks every run service makes before a run exists, so all of them refuse the same requests. */
import {
  CrewError,
  ErrorCode,
  inputsSchema,
  threadIdSchema,
  toCrewError,
  type Inputs,
} from "../events/index.js";
import type { CrewRunner, ResolveRunner } from "./crew-runner.js";
import type { OnDisconnect, StartRunRequest } from "./run-service.js";

/** A start request that passed {@link checkStart}. */
export interface CheckedStart {
  runner: CrewRunner;
  inputs: Inputs;
  onDisconnect: OnDisconnect;
  timeoutMs?: number;
  threadId?: string;
}

/**
 * Validates `request` and resolves its crew. Throws bad_request (inputs not a flat object,
 * unknown onDisconnect), crew_not_found / invalid_crew (from the resolver), missing_input,
 * unknown_input (unless the request keeps unknown inputs), or
 * whatever the runner's own input validation throws.
 */
export async function checkStart(
  request: StartRunRequest,
  resolveRunner: ResolveRunner,
): Promise<CheckedStart> {
  const parsed = inputsSchema.safeParse(request.inputs ?? {});
  if (!parsed.success)
    throw new CrewError(
      ErrorCode.BAD_REQUEST,
      "inputs must be a flat object of strings, numbers and booleans.",
    );
  const inputs = parsed.data;
  const onDisconnect = request.onDisconnect ?? "continue";
  if (onDisconnect !== "continue" && onDisconnect !== "cancel")
    throw new CrewError(ErrorCode.BAD_REQUEST, 'onDisconnect must be "continue" or "cancel".');
  const { timeoutMs } = request;
  if (timeoutMs !== undefined && (!Number.isInteger(timeoutMs) || timeoutMs < 1))
    throw new CrewError(ErrorCode.BAD_REQUEST, "timeoutMs must be a positive whole number of ms.");
  if (request.threadId !== undefined && !threadIdSchema.safeParse(request.threadId).success)
    throw new CrewError(
      ErrorCode.BAD_REQUEST,
      "threadId must be 1 to 200 letters, digits, '.', '_', ':' or '-', starting with a letter or digit.",
    );
  let runner: CrewRunner;
  try {
    runner = await resolveRunner(request.crew);
  } catch (error) {
    throw toCrewError(error);
  }
  // Before the missing ones: "topik" is better answered with "did you mean topic" than with
  // "topic is missing".
  if (request.unknownInputs !== "keep") runner.checkInputNames?.(inputs);
  const missing = (runner.requiredInputs?.() ?? []).filter((name) => !(name in inputs));
  if (missing.length > 0)
    throw new CrewError(
      ErrorCode.MISSING_INPUT,
      `Crew "${runner.name}" needs the input(s) ${missing.map((m) => `"${m}"`).join(", ")}; pass them in inputs.`,
    );
  runner.validateInputs?.(inputs);
  return {
    runner,
    inputs,
    onDisconnect,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(request.threadId === undefined ? {} : { threadId: request.threadId }),
  };
}

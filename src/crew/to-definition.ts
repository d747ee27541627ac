/**
 * Maps validated snake_case YAML entries to the camelCase {@link CrewDefinition}, applying
 * CrewAI's defaults so that a YAML crew and the same crew built in code are equal.
 */
import { CREW_DEFAULTS } from "./crew-schema.js";
import type { AgentYaml, CrewYaml, TaskYaml } from "./crew-schema.js";
import type { AgentDefinition, CrewDefinition, TaskDefinition } from "./types.js";

/** Validated parts of a crew folder. */
export interface CrewParts {
  name: string;
  dir: string;
  settings: CrewYaml;
  agents: { key: string; value: AgentYaml }[];
  tasks: { key: string; value: TaskYaml }[];
}

/** The agent definition of one agents.yaml entry. */
export function toAgent(key: string, agent: AgentYaml): AgentDefinition {
  return {
    key,
    role: agent.role,
    goal: agent.goal,
    backstory: agent.backstory,
    ...(agent.llm === undefined ? {} : { llm: agent.llm }),
    tools: agent.tools ?? [],
    allowDelegation: agent.allow_delegation ?? CREW_DEFAULTS.allowDelegation,
    maxIter: agent.max_iter ?? CREW_DEFAULTS.maxIter,
    ...(agent.max_rpm === undefined ? {} : { maxRpm: agent.max_rpm }),
  };
}

/** The task definition of one tasks.yaml entry. */
export function toTask(key: string, task: TaskYaml): TaskDefinition {
  return {
    key,
    description: task.description,
    expectedOutput: task.expected_output,
    ...(task.agent === undefined ? {} : { agent: task.agent }),
    context: task.context ?? [],
    humanInput: task.human_input ?? CREW_DEFAULTS.humanInput,
    ...(task.tools === undefined ? {} : { tools: task.tools }),
  };
}

/** The crew definition of a validated folder. */
export function toDefinition(parts: CrewParts): CrewDefinition {
  const { settings } = parts;
  return {
    name: parts.name,
    process: settings.process ?? "sequential",
    ...(settings.manager_llm === undefined ? {} : { managerLlm: settings.manager_llm }),
    agents: parts.agents.map(({ key, value }) => toAgent(key, value)),
    tasks: parts.tasks.map(({ key, value }) => toTask(key, value)),
    defaultInputs: { ...settings.inputs },
    dir: parts.dir,
    ...(settings.allow_private_urls === undefined
      ? {}
      : { allowPrivateUrls: settings.allow_private_urls }),
    ...(settings.memory === undefined ? {} : { memory: settings.memory }),
  };
}

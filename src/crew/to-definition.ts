/**
 * Maps validated snake_case YAML entries to the camelCase {@link CrewDefinition}, applying
 * CrewAI's defaults so that a YAML crew and the same crew built in code are equal.
 */
import { resolve } from "node:path";
import { CREW_DEFAULTS } from "./crew-schema.js";
import type { AgentYaml, CrewYaml, McpServerYaml, TaskYaml } from "./crew-schema.js";
import type { AgentDefinition, CrewDefinition, McpServerConfig, TaskDefinition } from "./types.js";

/** Validated parts of a crew folder. */
export interface CrewParts {
  name: string;
  dir: string;
  settings: CrewYaml;
  agents: { key: string; value: AgentYaml }[];
  tasks: { key: string; value: TaskYaml }[];
}

/** The agent definition of one agents.yaml entry. */
function toAgent(key: string, agent: AgentYaml): AgentDefinition {
  return {
    key,
    role: agent.role,
    goal: agent.goal,
    backstory: agent.backstory,
    ...(agent.llm === undefined ? {} : { llm: agent.llm }),
    tools: agent.tools ?? [],
    ...(agent.mcps === undefined ? {} : { mcps: agent.mcps }),
    allowDelegation: agent.allow_delegation ?? CREW_DEFAULTS.allowDelegation,
    maxIter: agent.max_iter ?? CREW_DEFAULTS.maxIter,
    ...(agent.max_rpm === undefined ? {} : { maxRpm: agent.max_rpm }),
    ...(agent.max_execution_time === undefined
      ? {}
      : { maxExecutionTime: agent.max_execution_time }),
    ...(agent.inject_date === undefined ? {} : { injectDate: agent.inject_date }),
    ...(agent.date_format === undefined ? {} : { dateFormat: agent.date_format }),
  };
}

/** The task definition of one tasks.yaml entry. */
function toTask(key: string, task: TaskYaml): TaskDefinition {
  return {
    key,
    description: task.description,
    expectedOutput: task.expected_output,
    ...(task.agent === undefined ? {} : { agent: task.agent }),
    context: task.context ?? [],
    humanInput: task.human_input ?? CREW_DEFAULTS.humanInput,
    ...(task.tools === undefined ? {} : { tools: task.tools }),
    // resolveOutputSchemas has replaced a path by the schema it names.
    ...(typeof task.output_schema === "object" ? { outputSchema: task.output_schema } : {}),
    ...(task.guardrail === undefined ? {} : { guardrail: task.guardrail }),
    ...(task.guardrail_max_retries === undefined
      ? {}
      : { guardrailMaxRetries: task.guardrail_max_retries }),
    ...(task.output_file === undefined ? {} : { outputFile: task.output_file }),
    ...(task.markdown === undefined ? {} : { markdown: task.markdown }),
    ...(task.async_execution === true ? { asyncExecution: true } : {}),
  };
}

/** An MCP server of crew.yaml; a stdio server runs in the crew's folder unless `cwd` says otherwise. */
function toMcpServer(dir: string, server: McpServerYaml): McpServerConfig {
  if (server.command !== undefined) {
    return {
      command: server.command,
      ...(server.env === undefined ? {} : { env: server.env }),
      cwd: resolve(dir, server.cwd ?? "."),
    };
  }
  return {
    url: server.url ?? "",
    ...(server.headers === undefined ? {} : { headers: server.headers }),
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
    ...(settings.extra_inputs === undefined ? {} : { extraInputs: settings.extra_inputs }),
    dir: parts.dir,
    ...(settings.allow_private_urls === undefined
      ? {}
      : { allowPrivateUrls: settings.allow_private_urls }),
    ...(settings.mcp_servers === undefined
      ? {}
      : {
          mcpServers: Object.fromEntries(
            Object.entries(settings.mcp_servers).map(([name, server]) => [
              name,
              toMcpServer(parts.dir, server),
            ]),
          ),
        }),
    ...(settings.max_rpm === undefined ? {} : { maxRpm: settings.max_rpm }),
    ...(settings.memory === undefined ? {} : { memory: settings.memory }),
  };
}

/**
 * Checks what one entry says about another: a task's agent must exist, its context must name
 * earlier tasks without cycles, and every tool must be one the crew can use.
 */
import type { CrewProcess } from "../events/index.js";
import { didYouMean } from "./crew-problems.js";
import type { AgentYaml, TaskYaml } from "./crew-schema.js";
import { missingToolKeys } from "./tool-names.js";
import { located, report } from "./validate-entries.js";
import type { Findings } from "./validate-entries.js";
import type { YamlFile } from "./yaml-file.js";

/** The validated entries of a crew and where they came from. */
export interface CrewEntries {
  agentsFile: YamlFile;
  tasksFile: YamlFile;
  agents: { key: string; value: AgentYaml }[];
  tasks: { key: string; value: TaskYaml }[];
  /** Every agent key agents.yaml declares; `undefined` if it could not be read. */
  declaredAgents: string[] | undefined;
  /** Every task key tasks.yaml declares, in order. */
  declaredTasks: string[];
  process: CrewProcess;
  /** Tools that may be named; `undefined` skips the check (process crews run their own tools). */
  tools: ReadonlySet<string> | undefined;
  /** Names of the MCP servers crew.yaml declares; `<server>/<tool>` and `mcps:` may name them. */
  mcpServers: readonly string[];
  /** Where tool keys are looked for, to warn about missing ones. */
  env: NodeJS.ProcessEnv;
}

/** Adds a problem for every broken reference between entries. */
export function validateReferences(crew: CrewEntries, findings: Findings): void {
  const agentKeys = crew.declaredAgents ?? [];
  const knownAgents = agentKeys.length === 0 ? "none" : agentKeys.join(", ");
  for (const { key, value } of crew.agents) {
    checkTools(crew, crew.agentsFile, key, value.tools, findings);
    checkMcps(crew, key, value.mcps, findings);
  }
  for (const { key, value } of crew.tasks) {
    const unreadable = crew.declaredAgents === undefined;
    if (value.agent !== undefined && !unreadable && !agentKeys.includes(value.agent)) {
      const hint = didYouMean(value.agent, agentKeys);
      report(
        findings,
        crew.tasksFile,
        [key, "agent"],
        `unknown agent "${value.agent}"${hint}; known agents: ${knownAgents}`,
      );
    }
    if (value.agent === undefined && crew.process === "sequential") {
      report(
        findings,
        crew.tasksFile,
        [key],
        `has no agent; in a sequential crew every task needs "agent:" (known agents: ${knownAgents}), or set "process: hierarchical" in crew.yaml`,
      );
    }
    checkTools(crew, crew.tasksFile, key, value.tools, findings);
  }
  checkContext(crew, findings);
  const last = crew.tasks.at(-1);
  if (last !== undefined && last.key === crew.declaredTasks.at(-1) && last.value.async_execution) {
    report(
      findings,
      crew.tasksFile,
      [last.key, "async_execution"],
      "the crew's last task cannot be async (as in CrewAI): its output is the crew's result; set async_execution: false or add a synchronous task after it",
    );
  }
}

function checkTools(
  crew: CrewEntries,
  file: YamlFile,
  key: string,
  tools: string[] | undefined,
  findings: Findings,
): void {
  if (crew.tools === undefined || tools === undefined) return;
  tools.forEach((tool, index) => {
    const path = [key, "tools", index];
    const slash = tool.indexOf("/");
    if (slash !== -1) {
      // `<server>/<tool>`: the server must be declared; its tools are known once it runs.
      const server = tool.slice(0, slash);
      if (!crew.mcpServers.includes(server) || slash === tool.length - 1) {
        report(findings, file, path, unknownServer(crew, tool, server));
      }
      return;
    }
    if (crew.tools?.has(tool) === true) {
      const missing = missingToolKeys(tool, crew.env);
      if (missing !== undefined) {
        findings.warnings.push(
          located(
            file,
            path,
            `"${tool}" needs ${missing.join(" or ")}; without one its calls fail with a tool error`,
          ),
        );
      }
      return;
    }
    const available = [...(crew.tools ?? [])];
    report(
      findings,
      file,
      path,
      `unknown tool "${tool}"${didYouMean(tool, available)}; available tools: ${available.join(", ")} (register others on the crew, export them from tools.js, or name an MCP server's tool as <server>/<tool>)`,
    );
  });
}

function unknownServer(crew: CrewEntries, reference: string, server: string): string {
  const declared = crew.mcpServers.length === 0 ? "none" : crew.mcpServers.join(", ");
  if (!crew.mcpServers.includes(server)) {
    return `"${reference}" names MCP server "${server}"${didYouMean(server, [...crew.mcpServers])}, which crew.yaml's mcp_servers does not declare (declared: ${declared})`;
  }
  return `"${reference}" names no tool; write <server>/<tool>, or list the server in "mcps:" for all its tools`;
}

function checkMcps(
  crew: CrewEntries,
  key: string,
  mcps: string[] | undefined,
  findings: Findings,
): void {
  if (crew.tools === undefined || mcps === undefined) return;
  mcps.forEach((server, index) => {
    if (!crew.mcpServers.includes(server)) {
      report(findings, crew.agentsFile, [key, "mcps", index], unknownServer(crew, server, server));
    }
  });
}

function checkContext(crew: CrewEntries, findings: Findings): void {
  const order = new Map(crew.declaredTasks.map((key, index) => [key, index]));
  const graph = new Map(
    crew.tasks.map((task) => [
      task.key,
      (task.value.context ?? []).filter((ref) => order.has(ref)),
    ]),
  );
  const taskKeys = [...order.keys()];
  for (const { key, value } of crew.tasks) {
    const seen = new Set<string>();
    (value.context ?? []).forEach((ref, index) => {
      const path = [key, "context", index];
      const position = order.get(ref);
      if (seen.has(ref)) report(findings, crew.tasksFile, path, `lists "${ref}" more than once`);
      seen.add(ref);
      if (ref === key) {
        report(findings, crew.tasksFile, path, `a task cannot be its own context; remove "${ref}"`);
      } else if (position === undefined) {
        const hint = didYouMean(ref, taskKeys);
        report(
          findings,
          crew.tasksFile,
          path,
          `unknown task "${ref}" in context${hint}; known tasks: ${taskKeys.join(", ")}`,
        );
      } else if (position > (order.get(key) ?? 0)) {
        const cycle = findPath(graph, ref, key);
        report(
          findings,
          crew.tasksFile,
          path,
          cycle === undefined
            ? `"${ref}" comes after "${key}"; context may only name earlier tasks (move "${ref}" above "${key}" in tasks.yaml)`
            : `context cycle: ${[key, ...cycle].join(" -> ")}; a task's context must name earlier tasks only`,
        );
      }
    });
  }
}

/** A path of context references from `from` to `to`, if there is one. */
function findPath(
  graph: ReadonlyMap<string, string[]>,
  from: string,
  to: string,
): string[] | undefined {
  const visited = new Set<string>();
  const walk = (node: string): string[] | undefined => {
    if (node === to) return [node];
    if (visited.has(node)) return undefined;
    visited.add(node);
    for (const next of graph.get(node) ?? []) {
      const rest = walk(next);
      if (rest !== undefined) return [node, ...rest];
    }
    return undefined;
  };
  return walk(from);
}

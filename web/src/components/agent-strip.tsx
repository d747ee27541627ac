/** The crew's agents with what each is doing. */
import type { AgentProgress } from "../../../src/client/index.js";
import { stepCount } from "./step-count.js";
import { tokenCount } from "./token-count.js";

export function AgentStrip({ agents }: { agents: AgentProgress[] }) {
  if (agents.length === 0) return null;
  return (
    <ul className="agent-strip" aria-label="Agents">
      {agents.map((agent) => (
        <li
          key={agent.key}
          className={`agent-chip agent-${agent.status}`}
          title={`${agent.steps} steps, ${agent.toolCalls} tool calls`}
        >
          <span className="agent-dot" aria-hidden="true" />
          {agent.role}
          {agent.steps > 0 && <span className="agent-steps">{stepCount(agent.steps)}</span>}
          {agent.status !== "pending" && tokenCount(agent, "tok") && (
            <span className="agent-tokens">{tokenCount(agent, "tok")}</span>
          )}
        </li>
      ))}
    </ul>
  );
}

/** What an empty thread shows: the chosen crew's agents and tasks. */
import type { CrewListing } from "../../../src/client/index.js";
import { CrewWarnings } from "./crew-warnings.js";

export function WelcomePanel({ crew }: { crew?: CrewListing }) {
  return (
    <section className="welcome">
      <h1>Run a crew, watch it work.</h1>
      <p>
        Type a {crew ? <strong>{crew.inputs[0] ?? "topic"}</strong> : "topic"} below. Every agent
        step, tool call and token streams in live.
      </p>
      {crew && (
        <div className="welcome-crew">
          <div className="welcome-col">
            <h2>Agents</h2>
            <ul>
              {crew.agents.map((a) => (
                <li key={a.key}>{a.role}</li>
              ))}
            </ul>
          </div>
          <div className="welcome-col">
            <h2>Tasks</h2>
            <ol>
              {crew.tasks.map((t) => (
                <li key={t.key}>{t.key.replace(/_/g, " ")}</li>
              ))}
            </ol>
          </div>
        </div>
      )}
      {crew && <CrewWarnings warnings={crew.warnings} />}
    </section>
  );
}

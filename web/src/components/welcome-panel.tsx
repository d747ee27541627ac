/** What an empty thread shows: the chosen crew's agents and tasks. */
import type { CrewListing } from "../../../src/client/index.js";
import { mainInput } from "../hooks/use-crews.js";
import { InputSlots } from "./input-slots.js";
import { CrewWarnings } from "./crew-warnings.js";

export function WelcomePanel({ crew }: { crew?: CrewListing }) {
  return (
    <section className="welcome">
      <h1>Run a crew, watch it work.</h1>
      <p>
        Type a {crew ? <strong>{mainInput(crew)}</strong> : "topic"} below. Every agent step, tool
        call and token streams in live.
      </p>
      {crew?.default && (
        <p className="welcome-default">
          <strong>{crew.name}</strong> is the default crew; pick another above.
        </p>
      )}
      {crew && (
        <div className="welcome-crew">
          <div className="welcome-col">
            <h2>Agents</h2>
            <ul>
              {crew.agents.map((a) => (
                <li key={a.key}>
                  <InputSlots text={a.role} />
                </li>
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

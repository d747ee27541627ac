/** `GET /api/crews`: the crews that can run, with their agents, tasks and required inputs. */
import { Hono } from "hono";
import type { CrewListing, CrewListings } from "../../events/index.js";
import type { RouteDeps } from "../deps.js";

/** Routes of the crews resource. */
export function crewsRoutes(deps: RouteDeps): Hono {
  return new Hono().get("/crews", async (c) => {
    const crews = await deps.catalog.list();
    // Copied field by field so that what a source adds (the catalog's folder path) stays on the server.
    const answer: CrewListings = {
      crews: crews.map((crew): CrewListing => ({
        name: crew.name,
        default: crew.default,
        process: crew.process,
        agents: crew.agents.map((agent) => ({ key: agent.key, role: agent.role })),
        tasks: crew.tasks.map((task) => ({
          key: task.key,
          ...(task.agent === undefined ? {} : { agent: task.agent }),
        })),
        inputs: crew.inputs,
        ...(crew.kind === undefined ? {} : { kind: crew.kind }),
        ...(crew.error === undefined ? {} : { error: crew.error }),
        ...(crew.warnings === undefined ? {} : { warnings: crew.warnings }),
      })),
    };
    return c.json(answer);
  });
}

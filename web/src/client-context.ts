/** The page's server client, shared with components that call the API (answers, history). */
import { createContext, useContext } from "react";
import { CrewClient } from "../../src/client/index.js";

/** Same-origin client: the UI is served by the crewstream server it talks to. */
export const CrewClientContext = createContext<CrewClient>(new CrewClient());

/** The page's {@link CrewClient}. */
export function useCrewClient(): CrewClient {
  return useContext(CrewClientContext);
}

/** Process crews: a crew program (e.g. a Python CrewAI crew) streamed through the event protocol. */
export { ProcessCrew } from "./process-crew.js";

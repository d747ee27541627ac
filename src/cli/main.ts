#!/usr/bin/env node
/** Entry point of the `crewstream` binary (`bin/crewstream.js` imports the built copy). */
import { runProgram } from "./program.js";

// A provider's warnings about a call reach the run's events (the live view, plain lines, server
// logs); the AI SDK's own console line would also land in the middle of the live view's frame.
(globalThis as { AI_SDK_LOG_WARNINGS?: unknown }).AI_SDK_LOG_WARNINGS = false;

await runProgram(process.argv);

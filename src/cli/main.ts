#!/usr/bin/env node
/** Entry point of the `crewstream` binary (`bin/crewstream.js` imports the built copy). */
import { runProgram } from "./program.js";

await runProgram(process.argv);

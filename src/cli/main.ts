#!/usr/bin/env node
/** Entry point of the `crewstream` binary (`bin/crewstream.js` imports the built copy). */
import { createProgram } from "./program.js";

await createProgram().parseAsync(process.argv);

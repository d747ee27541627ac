/**
 * Test support: the `crewstream` program (with `worker` and `serve --redis`), for tests that
 * spawn servers and workers as separate processes.
 */
import { runProgram } from "../../cli/program.js";

await runProgram(process.argv);

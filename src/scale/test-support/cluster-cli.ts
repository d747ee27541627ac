/**
 * Test support: the `crewstream` program with the scale-out commands (`worker`, `serve --redis`),
 * for tests that spawn servers and workers as separate processes.
 */
import { createProgram } from "../../cli/program.js";
import { registerScaleCommands } from "../../cli/worker-command.js";

const program = createProgram();
if (!program.commands.some((command) => command.name() === "worker"))
  registerScaleCommands(program);
await program.parseAsync(process.argv);

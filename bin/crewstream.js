#!/usr/bin/env node
// The `crewstream` command. Runs the built CLI; build it first with `npm run build`.
import "../dist/cli/main.js";

#!/usr/bin/env node
// The churnbook command. Sources are TypeScript run through tsx's loader, so a
// checkout works without a build step and `npx churnbook` always runs the code you see.
import { register } from "tsx/esm/api";
register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));

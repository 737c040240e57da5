#!/usr/bin/env node
// The churnbook command. It runs the compiled JavaScript in dist/ (scripts/build.mjs: `npm run
// build`, and `prepare` on `npm ci`). In a checkout whose dist/ is missing or older than src/ (a
// source edited since the last build), it runs the TypeScript sources through tsx instead — a
// slower start, but never a stale build: the command always runs the code you see.
import { distState } from "../scripts/dist-stamp.mjs";

const state = distState();
let main;
if (state === "fresh") {
  ({ main } = await import("../dist/cli/main.js"));
} else {
  let register;
  try {
    ({ register } = await import("tsx/esm/api"));
  } catch {
    process.stderr.write(`churnbook: dist/ is ${state === "missing" ? "missing" : "older than src/"} and tsx (a development dependency) is not installed: run \`npm run build\`\n`);
    process.exit(1);
  }
  // Only a person at a terminal is told; scripts and tests read stderr as the command's own.
  if (process.stderr.isTTY) process.stderr.write(`churnbook: dist/ is ${state === "missing" ? "missing" : "older than src/"}: running the TypeScript sources (slower start; \`npm run build\` compiles them)\n`);
  register();
  ({ main } = await import("../src/cli/main.ts"));
}
process.exitCode = await main(process.argv.slice(2));

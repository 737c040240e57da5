// The definition's schema checks compiled ahead of time, by schema name. The sources have none
// (Ajv compiles the checks when the TypeScript runs, util/schema-check.ts); the build writes the
// generated module (runner/precompile.ts) over this one in dist/. Imported statically, not
// awaited: the CLI bundle is a script with no top-level await (scripts/build.mjs).
import type { PrecompiledCheck } from "../util/schema-check.js";

export const checks: Readonly<Record<string, PrecompiledCheck>> | undefined = undefined;

// JSON Schema checks (Ajv), compiled ahead of time where they can be. Compiling the definition's
// and the analyses' params schemas took ~0.3 s of every `churnbook validate`; the build
// (scripts/build.mjs → runner/precompile.ts) writes them as standalone code into dist/. Each
// precompiled check carries the fingerprint of the schema and options it was compiled from, and
// is used only when the schema in hand has the same one: a stale build or the TypeScript sources
// (tsx, tests) compile with Ajv instead — slower, never a different check.

import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import type { Options, ValidateFunction } from "ajv";

/** A check compiled ahead of time, with the fingerprint of its schema and options. */
export interface PrecompiledCheck {
  fingerprint: string;
  validate: ValidateFunction;
}

export function schemaFingerprint(options: Options, schema: object): string {
  return createHash("sha256").update(JSON.stringify([options, schema])).digest("hex").slice(0, 20);
}

// Ajv itself loads only when something must be compiled at run time.
let ajvClass: typeof import("ajv").Ajv | undefined;
const instances = new Map<string, import("ajv").Ajv>();

/** The check for `schema` under `options`: the precompiled one when its fingerprint matches, else compiled now. */
export function schemaCheck(options: Options, schema: object, precompiled?: PrecompiledCheck): ValidateFunction {
  if (precompiled && precompiled.fingerprint === schemaFingerprint(options, schema)) return precompiled.validate;
  const key = JSON.stringify(options);
  let ajv = instances.get(key);
  if (!ajv) {
    ajvClass ??= (createRequire(import.meta.url)("ajv") as typeof import("ajv")).Ajv;
    // Each schema checks one document per run: Ajv's code optimisation passes cost more than they save here.
    instances.set(key, (ajv = new ajvClass({ ...options, code: { optimize: false } })));
  }
  return ajv.compile(schema);
}

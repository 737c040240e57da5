// Analysis params: validated and defaulted against the analysis's TypeBox schema. Values
// from the CLI arrive as strings and are coerced ("12" → 12, "true" → true).

import type { ErrorObject, Options, ValidateFunction } from "ajv";
import type { TObject } from "@sinclair/typebox";
import { ChurnbookError, closeMatches, type ErrorLocation } from "../util/errors.js";
import { schemaCheck } from "../util/schema-check.js";
// The params checks the build compiled ahead of time (runner/precompile.ts), by analysis id; none
// when running the TypeScript sources.
import { checks as precompiled } from "./params-checks.js";
import type { Analysis } from "./types.js";

/** Ajv's options for params schemas: CLI strings coerced, defaults filled in. */
export const paramsAjvOptions: Options = { coerceTypes: true, useDefaults: true, allErrors: true, strict: false };

const compiled = new WeakMap<TObject, ValidateFunction>();

export function resolveParams<P>(analysis: Analysis<P>, raw: Record<string, unknown>, location: ErrorLocation = {}): P {
  const schema = analysis.params;
  const known = Object.keys(schema.properties);
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) {
      const near = closeMatches(key, known);
      throw new ChurnbookError("unknown-param", `unknown param "${key}" for analysis "${analysis.id}"`, {
        hint: near.length ? `did you mean ${near.map((n) => `"${n}"`).join(" or ")}? params: ${known.join(", ")}` : `params: ${known.join(", ") || "(none)"}`,
        location,
      });
    }
  }
  let validate = compiled.get(schema);
  if (!validate) compiled.set(schema, (validate = schemaCheck(paramsAjvOptions, schema, precompiled?.[analysis.id])));
  const value = structuredClone(raw);
  if (!validate(value)) {
    const { message, hint } = describeParamError(validate.errors!, raw);
    throw new ChurnbookError("bad-param", `param ${message} for analysis "${analysis.id}"`, { location, hint });
  }
  return value as P;
}

/** The first failing param, described; an enum (an `enum`, or a union of literals) lists its allowed values. */
function describeParamError(errors: ErrorObject[], raw: Record<string, unknown>): { message: string; hint?: string } {
  const e = errors[0]!;
  const key = e.instancePath.replace(/^\//, "").split("/")[0] ?? "";
  const got = key ? JSON.stringify(raw[key]) : "";
  const allowed =
    e.keyword === "enum"
      ? (e.params as { allowedValues: unknown[] }).allowedValues
      : errors.filter((x) => x.keyword === "const" && x.instancePath === e.instancePath).map((x) => (x.params as { allowedValue: unknown }).allowedValue);
  if (allowed.length) {
    const near = closeMatches(String(raw[key]), allowed.map(String));
    return { message: `"${key}" must be one of ${allowed.map((v) => JSON.stringify(v)).join(", ")}, got ${got}`, hint: near.length ? `did you mean "${near[0]}"?` : undefined };
  }
  return { message: `"${key}" ${e.message}, got ${got}` };
}

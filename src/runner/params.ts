// Report parameters: declared in the definition with types and defaults, overridden from the
// CLI as strings. Titles, dataset paths and analysis params may use them as {{name}}.

import type { Report } from "../definition/index.js";
import type { Value } from "../analysis/types.js";
import { ChurnbookError, closeMatches, type ErrorLocation } from "../util/errors.js";
import { isPeriodLabel } from "../util/period.js";

export function resolveReportParams(report: Report, overrides: Record<string, string>): Record<string, Value> {
  const values: Record<string, Value> = {};
  for (const [name, p] of Object.entries(report.params)) values[name] = p.default;
  for (const [name, text] of Object.entries(overrides)) {
    const p = report.params[name];
    if (!p) {
      const near = closeMatches(name, Object.keys(report.params));
      throw new ChurnbookError("unknown-param", `unknown report parameter "${name}"`, {
        hint: `${near.length ? `did you mean "${near[0]}"? ` : ""}parameters of ${report.name}: ${Object.keys(report.params).join(", ")}`,
        exitCode: 2,
      });
    }
    values[name] = parseParam(name, p.type, text);
  }
  return values;
}

function parseParam(name: string, type: Report["params"][string]["type"], text: string): Value {
  const bad = (expected: string) => new ChurnbookError("bad-param", `parameter "${name}" must be ${expected}, got ${JSON.stringify(text)}`, { exitCode: 2 });
  switch (type) {
    case "period":
      if (!isPeriodLabel(text)) throw bad("a month (2026-10), a quarter (2026-Q3) or a year (2026)");
      return text.toUpperCase();
    case "number": {
      const n = Number(text);
      if (text.trim() === "" || !Number.isFinite(n)) throw bad("a number");
      return n;
    }
    case "integer": {
      const n = Number(text);
      if (!Number.isInteger(n)) throw bad("an integer");
      return n;
    }
    case "boolean":
      if (/^(true|1|yes|y)$/i.test(text)) return true;
      if (/^(false|0|no|n)$/i.test(text)) return false;
      throw bad("true or false");
    default:
      return text;
  }
}

/** Replaces {{name}} by the parameter's value; an unknown name is an error. */
export function fillTemplate(text: string, params: Record<string, Value>, location: ErrorLocation = {}): string {
  return text.replace(/\{\{\s*([a-z][a-z0-9_]*)\s*\}\}/g, (_, name: string) => {
    if (!Object.hasOwn(params, name)) {
      throw new ChurnbookError("unknown-param", `"{{${name}}}" names no report parameter`, { location, hint: `parameters: ${Object.keys(params).join(", ")}` });
    }
    const v = params[name];
    if (v === null || v === undefined) throw new ChurnbookError("unset-param", `parameter "${name}" has no value`, { location, hint: `pass --param ${name}=…` });
    return String(v);
  });
}

// Markdown cells are Handlebars templates over the analysis results. Values are HTML-escaped
// by Handlebars (so data never becomes markup) and formatted by the locale helpers.
//
// Every reference is resolved before the template runs: one that names nothing (a typo that
// `validate` would also report) is an error, never a silent "—" — Handlebars' strict mode does
// not check a helper's arguments ({{percent summary.churn_rte}}). A reference to a value that is
// there but null (a rate with no customers at the start) is legitimately missing: it prints "—",
// and the caller gets its name to add a footnote saying why.

import type Handlebars from "handlebars";
import type { Locale } from "../core/vocabulary.js";
import { ChurnbookError, closeMatches } from "../util/errors.js";
import { createHandlebars, markdownHelpers } from "./helpers.js";
import { parseTemplate, templateUses } from "./template-check.js";

export interface MarkdownOutput {
  markdown: string;
  /** References whose value is null (printed "—"), in template order, each once. */
  missing: string[];
}

export function compileMarkdownTemplate(text: string, locale: Locale, currency: string): (context: Record<string, unknown>) => MarkdownOutput {
  const hb = createHandlebars({ locale, currency });
  hb.registerHelper(markdownHelpers);
  const parsed = parseTemplate(text);
  if ("error" in parsed) {
    const e = parsed.error;
    throw new ChurnbookError("bad-markdown", `markdown template, line ${e.line}: Handlebars parse error: ${e.message}`);
  }
  const uses = templateUses(parsed.ast);
  const helpers = Object.keys(hb.helpers);
  for (const h of uses.helpers) {
    if (helpers.includes(h.name)) continue;
    const near = closeMatches(h.name, helpers);
    throw new ChurnbookError("bad-markdown", `markdown template, line ${h.line}: unknown helper "${h.name}"`, { hint: `${near.length ? `did you mean "${near[0]}"? ` : ""}helpers: ${helpers.join(", ")}` });
  }
  let template: Handlebars.TemplateDelegate;
  try {
    template = hb.compile(text, { strict: true, knownHelpersOnly: false });
  } catch (e) {
    throw new ChurnbookError("bad-markdown", `markdown template: ${String((e as Error).message).split("\n")[0]}`);
  }
  return (context) => {
    const missing: string[] = [];
    for (const p of uses.paths) {
      if (p.scoped) continue; // a column of the #each row, or a name of the #with object: read from the block's context
      const found = resolve(context, p.parts);
      if (!found.ok) {
        const near = closeMatches(found.missing, found.options);
        throw new ChurnbookError("bad-markdown", `markdown refers to "${p.original}", which no analysis result or parameter provides (no "${found.missing}")`, {
          hint: `${near.length ? `did you mean "${near[0]}"? ` : ""}write {{<analysis cell id>.<scalar>}}, e.g. {{percent summary.churn_rate}}`,
        });
      }
      if (found.value === null && !missing.includes(p.original)) missing.push(p.original);
    }
    try {
      return { markdown: template(context), missing };
    } catch (e) {
      const msg = String((e as Error).message).split("\n")[0]!;
      const undefinedName = /"(.+)" not defined in/.exec(msg);
      throw new ChurnbookError("bad-markdown", undefinedName ? `markdown refers to "${undefinedName[1]}", which no analysis result or parameter provides` : `markdown template: ${msg}`, {
        hint: "write {{<analysis cell id>.<scalar>}}, e.g. {{percent summary.churn_rate}}",
      });
    }
  };
}

/** Follows a path's own properties; says which segment is missing, and what was there instead. */
function resolve(context: unknown, parts: string[]): { ok: true; value: unknown } | { ok: false; missing: string; options: string[] } {
  let v: unknown = context;
  for (const part of parts) {
    if (v === null || typeof v !== "object" || !Object.hasOwn(v, part)) return { ok: false, missing: part, options: v && typeof v === "object" ? Object.keys(v) : [] };
    v = (v as Record<string, unknown>)[part];
  }
  return { ok: true, value: v ?? null };
}

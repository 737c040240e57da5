// Markdown cells are Handlebars templates over the analysis results. Values are HTML-escaped
// by Handlebars (so data never becomes markup) and formatted by the locale helpers.

import type Handlebars from "handlebars";
import type { Locale } from "../analysis/types.js";
import { ChurnbookError } from "../util/errors.js";
import { createHandlebars } from "./helpers.js";

/** Helpers markdown cells have besides render/helpers.ts. */
export const markdownHelpers = {
  /** {{abs x}} */
  abs: (v: unknown) => (typeof v === "number" ? Math.abs(v) : v),
  /** {{#if (gt a b)}} … {{/if}} */
  gt: (a: unknown, b: unknown) => typeof a === "number" && typeof b === "number" && a > b,
  lt: (a: unknown, b: unknown) => typeof a === "number" && typeof b === "number" && a < b,
};

export function compileMarkdownTemplate(text: string, locale: Locale, currency: string): (context: Record<string, unknown>) => string {
  const hb = createHandlebars({ locale, currency });
  hb.registerHelper(markdownHelpers);
  let template: Handlebars.TemplateDelegate;
  try {
    template = hb.compile(text, { strict: true, knownHelpersOnly: false });
  } catch (e) {
    throw new ChurnbookError("bad-markdown", `markdown template: ${String((e as Error).message).split("\n")[0]}`);
  }
  return (context) => {
    try {
      return template(context);
    } catch (e) {
      const msg = String((e as Error).message).split("\n")[0]!;
      const missing = /"(.+)" not defined in/.exec(msg);
      throw new ChurnbookError("bad-markdown", missing ? `markdown refers to "${missing[1]}", which no analysis result or parameter provides` : `markdown template: ${msg}`, {
        hint: "write {{<analysis cell id>.<scalar>}}, e.g. {{percent summary.churn_rate}}",
      });
    }
  };
}

// The message catalogues, one per locale (en-US.ts defines their shape). Analyses and the runner
// take their words from `msg(locale)`; results stay plain data (the sentences in the report's locale).

import type { Locale } from "../core/vocabulary.js";
import { enUS, type Messages } from "./en-US.js";
import { zhCN } from "./zh-CN.js";

export type { Messages } from "./en-US.js";

export const catalogues: Record<Locale, Messages> = { "zh-CN": zhCN, "en-US": enUS };

/** The catalogue of a locale. */
export function msg(locale: Locale): Messages {
  return catalogues[locale];
}

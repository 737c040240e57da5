// Data-quality findings (data/quality.ts) in the report's language, for the data-coverage
// appendix: the run log and the manifest keep the English message; the report says it in
// zh-CN or en-US from the finding's code, count and row numbers.

import type { Locale } from "../core/vocabulary.js";
import type { DataFinding } from "../data/quality.js";
import { formatDate, formatInteger } from "../util/format.js";
import { label, type LabelKey } from "./labels.js";
import { msg } from "../locales/index.js";

const keys: Record<DataFinding["code"], LabelKey> = {
  "duplicate-rows": "findingDuplicateRows",
  "duplicate-line-items": "findingDuplicateLineItems",
  "missing-customer-id": "findingMissingCustomerId",
  "end-before-start": "findingEndBeforeStart",
  "resolved-before-date": "findingResolvedBeforeDate",
  "future-date": "findingFutureDate",
};

export function findingText(f: DataFinding, locale: Locale): string {
  const words = msg(locale);
  const names = words.dateFields;
  const fields = (f.fields ?? []).map((x) => (Object.hasOwn(names, x) ? names[x as keyof typeof names] : names.date));
  const text = label(keys[f.code], locale, {
    count: formatInteger(f.count, locale),
    date: f.date ? formatDate(f.date, locale) : "",
    fields: words.either([...new Set(fields)]),
  });
  if (!f.rows.length) return text;
  const rows = words.rowList(f.rows.map(String), f.count > f.rows.length);
  return text + label(f.rows.length === 1 && f.count === 1 ? "findingRow" : "findingRows", locale, { rows });
}

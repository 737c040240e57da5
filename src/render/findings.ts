// Data-quality findings (data/quality.ts) in the report's language, for the data-coverage
// appendix: the run log and the manifest keep the English message; the report says it in
// zh-CN or en-US from the finding's code, count and row numbers.

import type { Locale } from "../core/vocabulary.js";
import type { DataFinding } from "../data/quality.js";
import { formatDate, formatInteger } from "../util/format.js";
import { label, type LabelKey } from "./labels.js";

const keys: Record<DataFinding["code"], LabelKey> = {
  "duplicate-rows": "findingDuplicateRows",
  "duplicate-line-items": "findingDuplicateLineItems",
  "missing-customer-id": "findingMissingCustomerId",
  "end-before-start": "findingEndBeforeStart",
  "resolved-before-date": "findingResolvedBeforeDate",
  "future-date": "findingFutureDate",
};

/** Date fields named in findings. */
const fieldNames: Record<string, Record<Locale, string>> = {
  signup_date: { "zh-CN": "注册日期", "en-US": "signup date" },
  start_date: { "zh-CN": "开始日期", "en-US": "start date" },
  end_date: { "zh-CN": "结束日期", "en-US": "end date" },
  cancel_date: { "zh-CN": "取消日期", "en-US": "cancellation date" },
  date: { "zh-CN": "日期", "en-US": "date" },
  resolved_date: { "zh-CN": "解决日期", "en-US": "resolution date" },
};

export function findingText(f: DataFinding, locale: Locale): string {
  const fields = (f.fields ?? []).map((x) => fieldNames[x]?.[locale] ?? fieldNames.date![locale]);
  const text = label(keys[f.code], locale, {
    count: formatInteger(f.count, locale),
    date: f.date ? formatDate(f.date, locale) : "",
    fields: [...new Set(fields)].join(locale === "zh-CN" ? "或" : " or "),
  });
  if (!f.rows.length) return text;
  const rows = f.rows.join(locale === "zh-CN" ? "、" : ", ") + (f.count > f.rows.length ? (locale === "zh-CN" ? "等" : ", …") : "");
  return text + label(f.rows.length === 1 && f.count === 1 ? "findingRow" : "findingRows", locale, { rows });
}

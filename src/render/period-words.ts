// Words that follow the report period's grain (month, quarter, year), in both languages: a
// quarterly report says "vs last quarter" / 环比（上季度）, never "last month". Markdown cells
// read them as {{grain.this_period}}, {{grain.vs_previous}}, … and definition titles as
// {{period_grain}} (Monthly / Quarterly / Annual, 月度 / 季度 / 年度).

import type { Locale } from "../core/vocabulary.js";
import type { Grain } from "../util/period.js";

export interface GrainWords {
  /** Monthly / Quarterly / Annual — 月度 / 季度 / 年度 (for titles). */
  adjective: string;
  /** month / quarter / year — 月 / 季度 / 年. */
  unit: string;
  /** this month — 本月. */
  this_period: string;
  /** last month — 上月. */
  previous_period: string;
  /** vs last month — 较上月 (环比). */
  vs_previous: string;
  /** vs the same month last year — 较去年同月 (同比). */
  vs_last_year: string;
  /** months — 个月 (for "the last 12 months"). */
  units: string;
}

const words: Record<Grain, Record<Locale, GrainWords>> = {
  month: {
    "zh-CN": { adjective: "月度", unit: "月", this_period: "本月", previous_period: "上月", vs_previous: "较上月", vs_last_year: "较去年同月", units: "个月" },
    "en-US": { adjective: "Monthly", unit: "month", this_period: "this month", previous_period: "last month", vs_previous: "vs last month", vs_last_year: "vs the same month last year", units: "months" },
  },
  quarter: {
    "zh-CN": { adjective: "季度", unit: "季度", this_period: "本季度", previous_period: "上季度", vs_previous: "较上季度", vs_last_year: "较去年同季度", units: "个季度" },
    "en-US": { adjective: "Quarterly", unit: "quarter", this_period: "this quarter", previous_period: "last quarter", vs_previous: "vs last quarter", vs_last_year: "vs the same quarter last year", units: "quarters" },
  },
  year: {
    "zh-CN": { adjective: "年度", unit: "年", this_period: "本年度", previous_period: "上年", vs_previous: "较上年", vs_last_year: "较上年", units: "年" },
    "en-US": { adjective: "Annual", unit: "year", this_period: "this year", previous_period: "last year", vs_previous: "vs last year", vs_last_year: "vs last year", units: "years" },
  },
};

export function grainWords(grain: Grain, locale: Locale): GrainWords {
  return words[grain][locale];
}

// The conventions printed in the appendix: how churn is recognised, and the settings each
// analysis ran with — so two readers comparing numbers know what was counted.

import type { Analysis, Locale, Value } from "../analysis/types.js";
import type { Report } from "../definition/index.js";
import { returnsRule } from "../analysis/money.js";
import { resolveParams } from "../analysis/params.js";

const text = {
  basis: { "zh-CN": "流失认定口径", "en-US": "Churn basis" },
  subscriptions: { "zh-CN": "合约型：客户最后一个有效订阅结束之日记为流失（订阅结束日 = 首个无服务日）", "en-US": "Contractual: a customer churns on the day their last active subscription ends (end date = first day without service)" },
  cancellation: { "zh-CN": "；流失在客户提出取消之日（cancel_date）确认，而非服务期结束时", "en-US": "; churn is recognised on the day the customer cancels (cancel_date), not when the paid period ends" },
  grace: { "zh-CN": "；逾期宽限期 {days} 天：订阅结束 {days} 天后仍未续订才记为流失，宽限期内续订不计流失", "en-US": "; past-due grace of {days} days: churn is recognised {days} days after the end, and a renewal within the grace period is not a churn" },
  inactivity: { "zh-CN": "非合约型：最后一次消费后连续 {days} 天无消费即记为流失，按期末判断", "en-US": "Non-contractual: a customer churns {days} days after their last purchase without a new one, judged at the period end" },
  boundary: { "zh-CN": "期初客户", "en-US": "Customers at start" },
  boundaryText: { "zh-CN": "期初前已开始且在期初仍有效的客户；期末客户同理", "en-US": "Customers whose activity began before the period's first day and had not ended by it; likewise at the end" },
  currency: { "zh-CN": "货币", "en-US": "Currency" },
  period: { "zh-CN": "报告期", "en-US": "Period" },
  settings: { "zh-CN": "非默认参数", "en-US": "settings other than the defaults" },
  returns: { "zh-CN": "退货与取消", "en-US": "Returns and cancellations" },
} as const;

export function conventionsFor(report: Report, ran: { analysis: Analysis; params: Record<string, Value> }[], currency: string): { name: string; value: string }[] {
  const l: Locale = report.locale;
  const out: { name: string; value: string }[] = [
    {
      name: text.basis[l],
      value:
        report.churn.kind === "subscriptions"
          ? text.subscriptions[l] +
            (report.churn.recognition === "cancellation" ? text.cancellation[l] : "") +
            (report.churn.graceDays ? text.grace[l].replaceAll("{days}", String(report.churn.graceDays)) : "")
          : text.inactivity[l].replace("{days}", String(report.churn.days)),
    },
    { name: text.boundary[l], value: text.boundaryText[l] },
    { name: text.currency[l], value: currency },
  ];
  // The returns convention matters wherever transactions are read.
  if (report.datasets.some((d) => d.role === "transactions")) out.push({ name: text.returns[l], value: returnsRule(report.returns)[l] });
  // The settings each analysis ran with are for analysts: the `full` appendix only.
  if (report.appendix !== "full") return out;
  const seen = new Set<string>();
  for (const { analysis, params } of ran) {
    // Only what the definition changed: the defaults (seeds, model sizes, …) are documented in
    // `churnbook analyses` and stated in words by each definition, not listed for a board.
    const defaults = resolveParams(analysis, {}) as Record<string, Value>;
    const settings = Object.entries(params)
      .filter(([k, v]) => v !== "" && v !== null && v !== defaults[k])
      .map(([k, v]) => `${k} = ${v}`)
      .join("; ");
    const key = `${analysis.id}:${settings}`;
    if (seen.has(key) || !settings) continue;
    seen.add(key);
    out.push({ name: `${analysis.title[l]} (${text.settings[l]})`, value: settings });
  }
  return out;
}

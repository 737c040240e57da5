// The registry of analyses. Every analysis is imported here explicitly; a duplicate id is
// a programming error caught at start-up. Adding an analysis = one file + its tests + one line here.

import { ChurnbookError, closeMatches } from "../util/errors.js";
import type { Analysis } from "./types.js";
import { rfm } from "./rfm.js";
import { cpm } from "./cpm.js";
import { deciles } from "./deciles.js";
import { segments } from "./segments.js";
import { customerValue } from "./customer-value.js";
import { cohortRetention } from "./cohort-retention.js";
import { earlyChurn } from "./early-churn.js";
import { cohortProjection } from "./cohort-projection.js";
import { cohortRevenue } from "./cohort-revenue.js";
import { churnReasons } from "./churn-reasons.js";
import { churnedValue } from "./churned-value.js";
import { survival } from "./survival.js";
import { cox } from "./cox.js";
import { hazard } from "./hazard.js";
import { churnSummary } from "./churn-summary.js";
import { mrrMovements } from "./mrr-movements.js";
import { churnTrend } from "./churn-trend.js";
import { leakyBucket } from "./leaky-bucket.js";
import { churnModel } from "./churn-model.js";
import { riskList } from "./risk-list.js";
import { playbook } from "./playbook.js";
import { customerCard } from "./customer-card.js";
import { clv } from "./clv.js";
import { clvContractual } from "./clv-contractual.js";
import { churnDrivers } from "./churn-drivers.js";

const all: Analysis[] = [rfm, cpm, deciles, segments, customerValue, cohortRetention, earlyChurn, cohortProjection, cohortRevenue, churnReasons, churnedValue, survival, hazard, cox, churnSummary, mrrMovements, churnTrend, leakyBucket, churnModel, riskList, playbook, customerCard, clv, clvContractual, churnDrivers];

export const registry: ReadonlyMap<string, Analysis> = (() => {
  const map = new Map<string, Analysis>();
  for (const a of all) {
    if (map.has(a.id)) throw new Error(`duplicate analysis id: ${a.id}`);
    map.set(a.id, a);
  }
  return map;
})();

export function getAnalysis(id: string): Analysis {
  const a = registry.get(id);
  if (a) return a;
  const near = closeMatches(id, registry.keys());
  throw new ChurnbookError("unknown-analysis", `unknown analysis "${id}"`, {
    hint: near.length ? `did you mean ${near.map((n) => `"${n}"`).join(" or ")}?` : `run "churnbook analyses" to list them`,
  });
}

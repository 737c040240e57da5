// The executive summary on page one, as the runner hands it to the renderer (runner/summary.ts
// builds it from the analysis results; every sentence is already in the report's language and
// every number formatted by the same helpers as the KPI cells, so page one and the rest of the
// report show the same figures).

import type { AlertMetric } from "../definition/page-one.js";

export interface Alert {
  metric: AlertMetric;
  /** Which threshold fired: above, below, up_by, down_by, band (segment_churn). */
  kind: "above" | "below" | "up_by" | "down_by" | "band";
  value: number;
  /** The threshold crossed (for band: the band's edge). */
  threshold: number;
  /** The previous period's value (up_by, down_by, band). */
  previous?: number | null;
  segment?: string;
  /** The sentence in the report's language. */
  text: string;
  /** Definition line of the rule. */
  line: number;
}

export interface AlertEvaluation {
  fired: Alert[];
  /** Rules that could not be evaluated (their analysis is not in the report, or a value is missing). */
  unavailable: { metric: AlertMetric; line: number; reason: string }[];
}

export interface HeadlineFigure {
  label: string;
  value: string;
  deltas: { label: string; text: string; arrow: string; tone: "good" | "bad" | "neutral" }[];
}

export interface ExecutiveSummary {
  heading: string;
  headline: HeadlineFigure[];
  changesHeading: string;
  changes: string[];
  driversHeading: string;
  drivers: string | null;
  alertsHeading: string;
  /** Fired alerts' sentences; `noAlerts` when rules exist and none fired; both empty without rules. */
  alerts: string[];
  noAlerts: string | null;
  actionsHeading: string;
  actions: string[];
  /** The rules behind the summary in plain words (appendix). */
  rules: { title: string; text: string }[];
}

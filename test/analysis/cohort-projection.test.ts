import { describe, expect, it } from "vitest";
import { cohortProjection } from "../../src/analysis/cohort-projection.js";
import { fitSbg, fitSbgPooled, sbgSurvival } from "../../src/analysis/stats/sbg.js";
import type { Row } from "../../src/analysis/types.js";
import { parsePeriod } from "../../src/util/period.js";
import { runOnRows } from "../helpers/analysis.js";

// Fader & Hardie (2007) Table 1 cohorts, as yearly survivor counts.
const regular = [1000, 631, 468, 382, 326, 289, 262, 241];
const highEnd = [1000, 869, 743, 653, 593, 551, 517];

/** Subscriptions reproducing survivor counts for a cohort acquired on 1 Jan of `year`: a member lost
 * in period t ends on 1 Jul of year + t − 1 (after its age t − 1 anniversary, before its age t one). */
function cohortRows(prefix: string, year: number, survivors: number[]): Row[] {
  const rows: Row[] = [];
  let id = 0;
  for (let t = 1; t < survivors.length; t++) {
    for (let i = 0; i < survivors[t - 1]! - survivors[t]!; i++) rows.push({ customer_id: `${prefix}${id++}`, start_date: `${year}-01-01`, end_date: `${year + t - 1}-07-01`, mrr: 1 });
  }
  for (let i = 0; i < survivors.at(-1)!; i++) rows.push({ customer_id: `${prefix}${id++}`, start_date: `${year}-01-01`, end_date: null, mrr: 1 });
  return rows;
}

describe("cohort-projection", () => {
  it("reproduces the published sBG fit of the 'regular' cohort through the analysis path", async () => {
    // Report year 2024 (ends 2025-01-01): the 2017 cohort is observed at ages 0..7 (2018 + 7 years ≤ 2025).
    const r = await runOnRows(cohortProjection, { subscriptions: cohortRows("r", 2017, regular) }, { cohort_grain: "year", cohorts: 8, horizon: 12 }, { period: parsePeriod("2024") });
    expect((r.scalars.alpha as number).toFixed(3)).toBe("0.704");
    expect((r.scalars.beta as number).toFixed(3)).toBe("1.182");
    expect((r.scalars.log_likelihood as number).toFixed(2)).toBe("-1680.27");
    expect(r.tables.fits).toEqual([{ cohort: "pooled", customers: 1000, observed_periods: 7, alpha: r.scalars.alpha, beta: r.scalars.beta, log_likelihood: r.scalars.log_likelihood, converged: true, error: null }]);
    const proj = r.tables.projection!;
    expect(proj.map((x) => x.age)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(proj.map((x) => x.observed_survivors)).toEqual([...regular, null, null, null, null, null]);
    expect(proj[12]!.projected_survival).toBeCloseTo(sbgSurvival(r.scalars.alpha as number, r.scalars.beta as number, 12), 14);
    expect(proj[12]!.projected_survivors).toBeCloseTo(1000 * (proj[12]!.projected_survival as number), 10);
    expect(proj[0]).toMatchObject({ projected_survival: 1, retention_rate: null });
    // r(1) = β/(α + β) ≈ 1.182/1.886 ≈ 0.627.
    expect(proj[1]!.retention_rate as number).toBeCloseTo(0.627, 3);
  });

  it("fits --param survivors without any dataset: the published 'regular' fit", async () => {
    // Fader & Hardie (2007): α = 0.704, β = 1.182, LL = −1680.27 (REFERENCE-NUMBERS.md), years 1–7, 241 censored.
    const r = await runOnRows(cohortProjection, {}, { survivors: regular.join(","), horizon: 12 });
    expect((r.scalars.alpha as number).toFixed(3)).toBe("0.704");
    expect((r.scalars.beta as number).toFixed(3)).toBe("1.182");
    expect((r.scalars.log_likelihood as number).toFixed(2)).toBe("-1680.27");
    // The same fit as the subscription-data path and as the math module.
    const direct = fitSbg(regular);
    expect(r.scalars.alpha as number).toBeCloseTo(direct.alpha, 10);
    expect(r.scalars.beta as number).toBeCloseTo(direct.beta, 10);
    expect(r.scalars.survival_at_horizon as number).toBeCloseTo(sbgSurvival(direct.alpha, direct.beta, 12), 10);
    expect(r.tables.fits).toEqual([{ cohort: "survivors", customers: 1000, observed_periods: 7, alpha: r.scalars.alpha, beta: r.scalars.beta, log_likelihood: r.scalars.log_likelihood, converged: true, error: null }]);
    const proj = r.tables.projection!;
    expect(proj.map((x) => x.age)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(proj.map((x) => x.observed_survivors)).toEqual([...regular, null, null, null, null, null]);
    expect(proj[2]!.observed_survival).toBe(0.468);
    expect(proj[0]).toMatchObject({ cohort: "survivors", projected_survival: 1, projected_survivors: 1000, retention_rate: null });
    // r(1) = β/(α + β) ≈ 1.182/1.886 ≈ 0.627.
    expect(proj[1]!.retention_rate as number).toBeCloseTo(0.627, 3);
    // Spaces in the list are fine; the result equals the subscription-data path's pooled fit.
    const viaData = await runOnRows(cohortProjection, { subscriptions: cohortRows("r", 2017, regular) }, { cohort_grain: "year", cohorts: 8, horizon: 12 }, { period: parsePeriod("2024") });
    const spaced = await runOnRows(cohortProjection, {}, { survivors: regular.join(", "), horizon: 12 });
    expect(spaced.scalars.alpha).toBe(r.scalars.alpha);
    expect(viaData.scalars.alpha as number).toBeCloseTo(r.scalars.alpha as number, 8);
    expect(viaData.scalars.log_likelihood as number).toBeCloseTo(r.scalars.log_likelihood as number, 8);
    // A survivors list wins over loaded data (the data are not read).
    const both = await runOnRows(cohortProjection, { subscriptions: cohortRows("h", 2018, highEnd) }, { survivors: regular.join(","), horizon: 12 }, { period: parsePeriod("2024") });
    expect(both.scalars.alpha).toBe(r.scalars.alpha);
    // Projection runs to max(horizon, observed periods).
    const short = await runOnRows(cohortProjection, {}, { survivors: regular.join(","), horizon: 3 });
    expect(short.tables.projection!.length).toBe(8);
  });

  it("rejects bad survivor lists and unusable fits; without survivors it needs data", async () => {
    await expect(runOnRows(cohortProjection, {}, { survivors: "1000,631,x" })).rejects.toMatchObject({ code: "bad-param", message: expect.stringMatching(/"x"/) });
    await expect(runOnRows(cohortProjection, {}, { survivors: "1000,-5" })).rejects.toMatchObject({ code: "bad-param" });
    await expect(runOnRows(cohortProjection, {}, { survivors: "0,0,0" })).rejects.toMatchObject({ code: "bad-param", message: expect.stringMatching(/cohort size/) });
    await expect(runOnRows(cohortProjection, {}, { survivors: "1000,631,700" })).rejects.toMatchObject({ code: "bad-param", message: expect.stringMatching(/must not increase: period 1 has 631, period 2 has 700/) });
    await expect(runOnRows(cohortProjection, {}, { survivors: "1000,631" })).rejects.toMatchObject({ code: "sbg-fit-failed", message: expect.stringMatching(/too few periods/) });
    await expect(runOnRows(cohortProjection, {}, { survivors: "10,10,10" })).rejects.toMatchObject({ code: "sbg-fit-failed", message: expect.stringMatching(/no customer was lost/) });
    // No survivors and no dataset: the basis role is required, with the same error code as before.
    await expect(runOnRows(cohortProjection, {}, {})).rejects.toMatchObject({ code: "missing-role", message: expect.stringMatching(/"subscriptions".*or --param survivors=/) });
    await expect(runOnRows(cohortProjection, { subscriptions: [{ customer_id: "a", start_date: "2020-01-01" }] }, {})).rejects.toMatchObject({ code: "missing-field", message: expect.stringMatching(/"end_date"/) });
  });

  it("pooled and per-cohort fits over two cohorts of different ages", async () => {
    const data = { subscriptions: [...cohortRows("r", 2017, regular), ...cohortRows("h", 2018, highEnd)] };
    const pooled = await runOnRows(cohortProjection, data, { cohort_grain: "year", cohorts: 8, horizon: 3 }, { period: parsePeriod("2024") });
    const expected = fitSbgPooled([regular, highEnd]);
    expect(pooled.scalars.alpha as number).toBeCloseTo(expected.alpha, 5);
    expect(pooled.scalars.log_likelihood as number).toBeCloseTo(expected.logLikelihood, 6);
    // Observed pooled survival: age 1 over both cohorts (631 + 869)/2000; age 7 only the 2017 cohort.
    const obs = pooled.tables.projection!.map((x) => x.observed_survival);
    expect(obs[1]).toBe(1500 / 2000);
    expect(obs[7]).toBe(241 / 1000);
    expect(pooled.tables.projection!.length).toBe(8); // ages 0..max(3, 7)

    const per = await runOnRows(cohortProjection, data, { cohort_grain: "year", cohorts: 8, horizon: 3, mode: "per_cohort" }, { period: parsePeriod("2024") });
    const fits = per.tables.fits!;
    expect(fits.map((f) => [f.cohort, f.customers, f.observed_periods, f.converged])).toEqual([["2017", 1000, 7, true], ["2018", 1000, 6, true]]);
    expect((fits[0]!.alpha as number).toFixed(3)).toBe("0.704");
    expect(fits[1]!.beta as number).toBeCloseTo(fitSbg(highEnd).beta, 5);
    expect(per.scalars.alpha).toBeNull();
  });

  it("a failed fit is an error (pooled) or an error row (per cohort)", async () => {
    // Report 2019: the 2017 cohort is observed at ages 0..2, the 2018 cohort at 0..1.
    const young = { subscriptions: [...cohortRows("r", 2017, regular), ...cohortRows("h", 2018, highEnd)] };
    const ok = await runOnRows(cohortProjection, young, { cohort_grain: "year", cohorts: 3, mode: "per_cohort" }, { period: parsePeriod("2019") });
    expect(ok.tables.fits!.map((f) => [f.cohort, f.observed_periods, f.converged, f.alpha === null])).toEqual([["2017", 2, true, false], ["2018", 1, false, true]]);
    expect(ok.tables.fits![1]!.error).toMatch(/too few periods/);
    expect(ok.notes).toEqual([expect.stringMatching(/^cohort 2018: the shifted-beta-geometric fit failed: too few periods/)]);
    expect(ok.tables.projection!.every((x) => x.cohort === "2017")).toBe(true);
    // Only the 2018 cohort (ages 0..1): not identifiable.
    await expect(runOnRows(cohortProjection, young, { cohort_grain: "year", cohorts: 2 }, { period: parsePeriod("2019") })).rejects.toThrow(/sBG|shifted-beta-geometric fit failed: too few periods/);
    await expect(runOnRows(cohortProjection, young, { cohort_grain: "year", cohorts: 2, mode: "per_cohort" }, { period: parsePeriod("2019") })).rejects.toThrow(/failed for every cohort/);
    // No churn at all.
    const loyal = { subscriptions: cohortRows("l", 2017, [10, 10, 10, 10]) };
    await expect(runOnRows(cohortProjection, loyal, { cohort_grain: "year", cohorts: 8 }, { period: parsePeriod("2024") })).rejects.toThrow(/no customer was lost/);
    // No customers in the cohorts.
    await expect(runOnRows(cohortProjection, loyal, { cohort_grain: "year", cohorts: 2 }, { period: parsePeriod("2024") })).rejects.toThrow(/no customers were acquired/);
  });
});

// The command line from outside: exit codes, the analyze JSON contract, and user errors that
// print a location and a hint but no stack trace.

import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const cli = (...args: string[]) => spawnSync(process.execPath, [join(root, "bin/churnbook.js"), ...args], { cwd: root, encoding: "utf8", env: { ...process.env, TZ: "UTC" } });

describe("churnbook CLI", () => {
  it("analyze prints the stable JSON contract", () => {
    const r = cli("analyze", "churn-summary", "--data", "subscriptions=data/globex/subscriptions.csv", "--period", "2026-09");
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out).slice(0, 4)).toEqual(["analysis", "params", "scalars", "tables"]);
    expect(out.analysis).toBe("churn-summary");
    expect(out.params.period).toBe("2026-09");
    const s = out.scalars;
    expect(s.customers_end).toBe(s.customers_start + s.new_customers + s.reactivated_customers - s.churned_customers);
    expect(out.tables.metrics.length).toBeGreaterThan(10);
  });

  it("analyze --format csv prints the main table", () => {
    const r = cli("analyze", "churn-reasons", "--data", "churn_events=data/globex/churn_events.csv", "--data", "subscriptions=data/globex/subscriptions.csv", "--format", "csv", "--period", "2026-09");
    expect(r.status).toBe(0);
    expect(r.stdout.split("\n")[0]).toMatch(/^category|reason/);
  });

  it("suggests close matches for an unknown analysis, without a stack trace", () => {
    const r = cli("analyze", "churn-sumary", "--data", "subscriptions=data/globex/subscriptions.csv");
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('unknown analysis "churn-sumary"');
    expect(r.stderr).toContain('did you mean "churn-summary"');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("names the missing field and lists the file's columns", () => {
    const r = cli("analyze", "churn-summary", "--data", "subscriptions=data/globex/customers.csv");
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/needs field.*"start_date"/);
    expect(r.stderr).toContain("available fields: customer_id");
  });

  it("validate reports file:line:col", () => {
    const r = cli("validate", "test/input/definitions/unknown-analysis-invalid.yaml");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("test/input/definitions/unknown-analysis-invalid.yaml:6:15");
    expect(r.stderr).toContain('did you mean "churn-summary"');
  });

  it("rejects a parameter of the wrong type", () => {
    const r = cli("render", "reports/monthly-churn-en.yaml", "--period", "October", "--format", "html", "--out", "/tmp/churnbook-cli-test");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('parameter "period" must be a month');
  });

  it("lists the analyses as JSON", () => {
    const r = cli("analyses", "--json");
    expect(r.status).toBe(0);
    const list = JSON.parse(r.stdout) as { id: string }[];
    expect(list.map((a) => a.id)).toEqual(expect.arrayContaining(["churn-summary", "churn-trend", "cohort-retention", "churn-reasons"]));
  });
});

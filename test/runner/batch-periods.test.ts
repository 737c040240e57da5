// --periods: lists and ranges of one grain; clients' overrides and data folders.

import { describe, expect, it } from "vitest";
import { adjustForClient, clientOverrides, parsePeriods } from "../../src/runner/batch.js";
import { parseReportText } from "../../src/runner/definitions.js";
import type { Client } from "../../src/definition/clients.js";

describe("--periods", () => {
  it("lists and ranges", () => {
    expect(parsePeriods("2026-10")).toEqual(["2026-10"]);
    expect(parsePeriods("2026-09, 2026-10")).toEqual(["2026-09", "2026-10"]);
    expect(parsePeriods("2026-01..2026-04")).toEqual(["2026-01", "2026-02", "2026-03", "2026-04"]);
    expect(parsePeriods("2025-11..2026-02")).toEqual(["2025-11", "2025-12", "2026-01", "2026-02"]);
    expect(parsePeriods("2025-q4..2026-Q2")).toEqual(["2025-Q4", "2026-Q1", "2026-Q2"]);
    expect(parsePeriods("2024..2026")).toEqual(["2024", "2025", "2026"]);
  });

  it("refuses what it cannot read", () => {
    expect(() => parsePeriods("2026-10..2026-01")).toThrow(/runs backwards/);
    expect(() => parsePeriods("2026-01..2026-Q3")).toThrow(/both ends/);
    expect(() => parsePeriods("October")).toThrow(/invalid period "October"/);
    expect(() => parsePeriods("2026-13")).toThrow(/invalid period/);
    expect(() => parsePeriods("2000-01..2026-12")).toThrow(/more than 240/);
  });
});

describe("clients", () => {
  const report = parseReportText(
    `title: t\ncurrency: "{{currency}}"\nparams:\n  client: { type: string, default: a }\n  client_name: { type: string, default: A }\n  currency: { type: string, default: USD }\ndatasets:\n  subscriptions: { path: "../data/{{client}}/subscriptions.csv" }\ncells: [ { id: s, analysis: churn-summary } ]\n`,
    "/r/report.yaml",
  );
  const client: Client = { id: "acme", name: "Acme Ltd", currency: "CNY", locale: "zh-CN", params: {}, line: 1, column: 1, index: 0, data: { folder: "/srv/acme" } };

  it("fill client, client_name and currency when the report declares them; the client's own params win", () => {
    expect(clientOverrides(report, client, "2026-10")).toEqual({ client: "acme", client_name: "Acme Ltd", currency: "CNY", period: "2026-10" });
    expect(clientOverrides(report, { ...client, params: { client: "acme-data" } }, null)).toEqual({ client: "acme-data", client_name: "Acme Ltd", currency: "CNY" });
    expect(clientOverrides(report, null, null)).toEqual({});
  });

  it("a data folder keeps the definition's file names; locale follows the client", () => {
    const r = adjustForClient(report, client);
    expect(r.datasets[0]!.path).toBe("/srv/acme/subscriptions.csv");
    expect(r.locale).toBe("zh-CN");
    expect(adjustForClient(report, { ...client, data: { files: { subscriptions: "/x/subs.csv" } } }).datasets[0]!.path).toBe("/x/subs.csv");
    expect(report.datasets[0]!.path).toBe("../data/{{client}}/subscriptions.csv");
  });
});

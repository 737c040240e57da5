// clients.yaml and brand files: located errors (file:line:col) like definitions, the JSON
// Schema committed up to date, parameters checked against the report.

import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { checkClientsAgainst, clientsJsonSchema, loadClients, parseClientsText } from "../../src/definition/clients.js";
import { loadReport } from "../../src/runner/definitions.js";
import { formatError, type ChurnbookError } from "../../src/util/errors.js";

const root = join(import.meta.dirname, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "churnbook-clients-"));

async function failure(p: Promise<unknown>): Promise<ChurnbookError> {
  try {
    await p;
  } catch (e) {
    return e as ChurnbookError;
  }
  throw new Error("expected an error");
}

describe("clients.yaml", () => {
  it("the JSON Schema is committed up to date (npm run schema) and accepts the example", () => {
    expect(readFileSync(join(root, "schema/clients.schema.json"), "utf8")).toBe(JSON.stringify(clientsJsonSchema(), null, 2) + "\n");
    const validate = new Ajv({ strict: false, allErrors: true }).compile(clientsJsonSchema());
    expect(validate(parse(readFileSync(join(root, "test/input/batch/clients.yaml"), "utf8")))).toBe(true);
    expect(validate({ clients: [{ id: "acme" }] })).toBe(false);
  });

  it("reads the smallest form and the full one", async () => {
    const small = await parseClientsText("clients:\n  - id: acme\n    name: Acme Ltd\n    params: { client: acme, currency: CNY }\n", join(dir, "c.yaml"));
    expect(small.clients).toEqual([expect.objectContaining({ id: "acme", name: "Acme Ltd", params: { client: "acme", currency: "CNY" }, line: 2 })]);
    const full = await loadClients(join(root, "test/input/batch/clients.yaml"));
    const acme = full.clients[0]!;
    expect(acme.brand?.logo?.dataUri).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(acme.brand).toMatchObject({ primary: "#0b6e4f", accent: "#f4a259", fonts: ["DejaVu Sans", "Noto Sans CJK SC"], footerText: "Acme Ltd — confidential" });
    expect(full.clients[1]!.brand).toMatchObject({ theme: "minimal", primary: "#7a1f5c" });
  });

  it("reports every problem at file:line:col", async () => {
    const file = join(dir, "bad.yaml");
    const e = await failure(parseClientsText("clients:\n  - id: acme\n    name: Acme\n    colour: red\n  - id: acme\n    nme: Acme 2\n  - id: Bad Id!\n    name: x\n", file));
    expect(e.exitCode).toBe(2);
    const text = formatError(e);
    expect(text).toContain(`${file}:4:5 unknown key "colour"`);
    expect(text).toContain(`${file}:6:5 unknown key "nme"`);
    expect(text).toContain('did you mean "name"?');
    // The misspelt "nme" is one problem: not also a missing "name".
    expect(text).not.toContain(`missing required key "name"`);
    expect(text).toMatch(new RegExp(`${file}:7:\\d+ invalid id of client 3: "Bad Id!" must match pattern`));
    const dup = await failure(parseClientsText("clients:\n  - id: acme\n    name: A\n  - id: ACME\n    name: B\n", file));
    expect(formatError(dup)).toMatch(/bad\.yaml:4:\d+: duplicate client id "ACME"/);
    const syntax = await failure(parseClientsText("clients:\n  - id: [acme\n", file));
    expect(formatError(syntax)).toMatch(/bad\.yaml:\d+:\d+.*YAML/);
  });

  it("a missing logo is a located error in the brand file; a missing brand file in the clients file", async () => {
    mkdirSync(join(dir, "brands"), { recursive: true });
    writeFileSync(join(dir, "brands/x.yaml"), "name: X\ncolors: { primary: \"#112233\" }\nlogo: nowhere.png\n");
    let e = await failure(parseClientsText("clients:\n  - id: x\n    name: X\n    brand: brands/x.yaml\n", join(dir, "c.yaml")));
    expect(e.code).toBe("missing-logo");
    expect(formatError(e)).toContain(`${join(dir, "brands/x.yaml")}:3:7: logo "nowhere.png" does not exist`);
    e = await failure(parseClientsText("clients:\n  - id: x\n    name: X\n    brand: { logo: gone.svg }\n", join(dir, "c.yaml")));
    expect(formatError(e)).toMatch(/c\.yaml:4:\d+: logo "gone\.svg" does not exist/);
    e = await failure(parseClientsText("clients:\n  - id: x\n    name: X\n    brand: brands/none.yaml\n", join(dir, "c.yaml")));
    expect(formatError(e)).toContain(`${join(dir, "c.yaml")}:4:12: brand file "brands/none.yaml" does not exist`);
    // Not an image.
    writeFileSync(join(dir, "brands/fake.png"), "not a png");
    e = await failure(parseClientsText("clients:\n  - id: x\n    name: X\n    brand: { logo: brands/fake.png }\n", join(dir, "c.yaml")));
    expect(formatError(e)).toContain("is not a valid png image");
    // A PNG logo is embedded as such.
    copyFileSync(join(root, "test/input/batch/brands/acme-logo.svg"), join(dir, "brands/l.svg"));
    const ok = await parseClientsText("clients:\n  - id: x\n    name: X\n    brand: { logo: brands/l.svg, colors: { primary: \"#abcdef\" } }\n", join(dir, "c.yaml"));
    expect(ok.clients[0]!.brand!.logo!.mime).toBe("image/svg+xml");
    // A bad colour.
    e = await failure(parseClientsText("clients:\n  - id: x\n    name: X\n    brand: { colors: { primary: red } }\n", join(dir, "c.yaml")));
    expect(formatError(e)).toMatch(/c\.yaml:4:\d+: invalid primary of client 1: "red" must match pattern/);
  });

  it("parameters and datasets are checked against the report", async () => {
    const report = await loadReport(join(root, "test/input/batch/report.yaml"));
    const file = join(dir, "p.yaml");
    const clients = await parseClientsText("clients:\n  - id: x\n    name: X\n    params: { clent: x }\n    data: { subscriptoins: s.csv }\n", file);
    const e = (() => {
      try {
        checkClientsAgainst(clients, report);
      } catch (err) {
        return err as ChurnbookError;
      }
      throw new Error("expected an error");
    })();
    const text = formatError(e);
    expect(text).toContain(`${file}:4:15 client "x": "clent" is not a parameter of report`);
    expect(text).toContain('did you mean "client"?');
    expect(text).toContain(`${file}:5:13 client "x": report has no dataset "subscriptoins"`);
  });
});

describe("schedule in the definition", () => {
  it("the shipped monthly reports declare a monthly schedule", async () => {
    for (const f of ["reports/monthly-churn.yaml", "reports/monthly-churn-en.yaml"]) {
      expect((await loadReport(join(root, f))).schedule).toMatchObject({ grain: "month", day: 3, fiscalYearStart: 1 });
    }
  });

  it("located errors: two grains, a fiscal year that periods cannot express", async () => {
    const { parseReportText } = await import("../../src/runner/definitions.js");
    const base = "title: t\ndatasets: { subscriptions: { path: s.csv } }\ncells: [ { id: s, analysis: churn-summary } ]\n";
    expect(() => parseReportText(base + "schedule: { monthly: { day: 3 }, quarterly: { day: 5 } }\n", "r.yaml")).toThrow(/only one of monthly, quarterly or yearly/);
    expect(() => parseReportText(base + "schedule:\n  quarterly: { day: 5 }\n  fiscal_year_start: 2\n", "r.yaml")).toThrow(/calendar quarters/);
    expect(parseReportText(base + "schedule:\n  quarterly: { day: 5 }\n  fiscal_year_start: 4\n", "r.yaml").schedule).toMatchObject({ grain: "quarter", day: 5, fiscalYearStart: 4 });
    expect(() => parseReportText(base + "schedule: { monthly: { day: 32 } }\n", "r.yaml")).toThrow(/day/);
  });
});

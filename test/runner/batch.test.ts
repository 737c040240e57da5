// Batch: three clients, one with broken data. Two reports, one clear failure in the summary,
// the browser launched once, an index listing all three; the re-run skips the two good ones
// and exits 1 (the broken one still fails); `due` renders what is due once and nothing after.

import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it, vi } from "vitest";

// Launches counted; at each browser's close, the pages still open beyond those it started with.
const launches = vi.hoisted(() => ({ count: 0, leftOpen: [] as number[] }));
vi.mock("puppeteer-core", async (importOriginal) => {
  const actual = await importOriginal<typeof import("puppeteer-core")>();
  return {
    ...actual,
    launch: async (...args: Parameters<typeof actual.launch>) => {
      launches.count++;
      const browser = await actual.launch(...args);
      const initial = (await browser.pages()).length;
      const close = browser.close.bind(browser);
      browser.close = async () => {
        launches.leftOpen.push((await browser.pages()).length - initial);
        return close();
      };
      return browser;
    },
  };
});

const { runBatch } = await import("../../src/runner/batch.js");
type BrowserSession = import("../../src/print/browser.js").BrowserSession;
const { loadClients } = await import("../../src/definition/clients.js");

const root = join(import.meta.dirname, "..", "..");
const report = join(root, "test/input/batch/report.yaml");
const cli = (...args: string[]) => spawnSync(process.execPath, [join(root, "bin/churnbook.js"), ...args], { cwd: root, encoding: "utf8", env: { ...process.env, TZ: "UTC" } });

const work = mkdtempSync(join(tmpdir(), "churnbook-batch-"));
const out = join(work, "out");
const clientsFile = join(work, "clients.yaml");

beforeAll(() => {
  // The broken client: Globex's files with one MRR that is not a number.
  const broken = join(work, "broken-data");
  mkdirSync(broken);
  for (const f of ["subscriptions.csv", "churn_events.csv"]) copyFileSync(join(root, "data/globex", f), join(broken, f));
  const subs = readFileSync(join(broken, "subscriptions.csv"), "utf8").split("\n");
  subs[4] = subs[4]!.replace(/,(\d+),Pro,/, ",12x,Pro,");
  writeFileSync(join(broken, "subscriptions.csv"), subs.join("\n"));
  writeFileSync(
    clientsFile,
    `clients:
  - id: acme
    name: Acme Ltd
    currency: CNY
    brand: ${join(root, "test/input/batch/brands/acme.yaml")}
    params: { client: acme }
  - id: globex
    name: Globex Inc.
    params: { client: globex, currency: USD }
    brand: { theme: minimal, colors: { primary: "#7a1f5c" }, footer_text: Globex internal }
  - id: broken
    name: Broken Co
    data: broken-data
    params: { currency: EUR }
`,
  );
});

describe("churnbook batch", () => {
  it("starts another browser when the batch's browser died: the run printing in it fails, the next prints", async () => {
    const { launchBrowser } = await import("../../src/print/browser.js");
    const dead = { browser: { connected: false, newPage: () => Promise.reject(new Error("Target closed")) }, close: async () => {} } as unknown as BrowserSession;
    const sessions = [dead];
    const clients = await loadClients(clientsFile);
    const result = await runBatch(report, { clients: { ...clients, clients: clients.clients.slice(0, 2) }, periods: ["2026-10"], out: join(work, "out-dead"), concurrency: 1, launch: async () => sessions.shift() ?? launchBrowser() });
    expect(result.runs.map((r) => [r.client, r.status])).toEqual([["acme", "failed"], ["globex", "ok"]]);
    expect(result.runs[0]!.error).toMatch(/printing the PDF failed: Target closed/);
    expect(result.browserLaunches).toBe(2);
    launches.count = 0;
    launches.leftOpen = [];
  });

  it("renders the good clients with one browser, isolates the failure, writes the summary and the index", async () => {
    const result = await runBatch(report, { clients: await loadClients(clientsFile), periods: ["2026-10"], out, concurrency: 2 });
    expect(result.runs.map((r) => [r.client, r.status])).toEqual([["acme", "ok"], ["globex", "ok"], ["broken", "failed"]]);
    // One browser for the whole batch, every report's page closed, every PDF (the first too) printed once.
    expect(launches.count).toBe(1);
    expect(result.browserLaunches).toBe(1);
    expect(launches.leftOpen).toEqual([0]);
    for (const run of result.runs.filter((r) => r.status === "ok")) {
      const manifest = JSON.parse(readFileSync(join(out, run.dir!, "manifest.json"), "utf8")) as { timings: { phase: string; prints?: number }[] };
      expect(manifest.timings.find((t) => t.phase === "pdf")?.prints).toBe(1);
    }

    const failed = result.runs[2]!;
    expect(failed.error).toContain('dataset "subscriptions"');
    expect(failed.error).toContain('"12x"');
    expect(failed.error).toMatch(/row \d+/);
    expect(failed.pages).toBeNull();

    const summary = JSON.parse(readFileSync(join(out, "batch-summary.json"), "utf8"));
    expect(Object.keys(summary)).toEqual(["runs"]);
    for (const r of summary.runs) for (const k of ["client", "period", "status", "pages", "ms", "error"]) expect(r).toHaveProperty(k);
    expect(summary.runs[0]).toMatchObject({ client: "acme", period: "2026-10", status: "ok", error: null });
    expect(summary.runs[0].pages).toBeGreaterThan(3);
    expect(summary.runs[0].kpis[0].label).toBe("Churn rate");
    // The definition's alert (churn rate above 2%) fired for Globex (3.1%), not for Acme (1.6%).
    expect(summary.runs[0].alerts).toEqual([]);
    expect(summary.runs[1].alerts).toHaveLength(1);
    expect(summary.runs[1].alerts[0]).toMatch(/churn/i);

    const index = readFileSync(join(out, "index.html"), "utf8");
    for (const name of ["Acme Ltd", "Globex Inc.", "Broken Co"]) expect(index).toContain(name);
    expect(index).toContain('href="acme/report/2026-10/acme_2026-10_report.pdf"');
    expect(index).toContain("cannot read &quot;12x&quot;");

    // File names that sort and travel, next to report.pdf; the two PDFs are the same bytes.
    const acmeDir = join(out, "acme/report/2026-10");
    expect(readdirSync(acmeDir).sort()).toEqual(["acme_2026-10_report.pdf", "manifest.json", "report.html", "report.pdf", "tables", "tables.xlsx"]);
    expect(readFileSync(join(acmeDir, "acme_2026-10_report.pdf")).equals(readFileSync(join(acmeDir, "report.pdf")))).toBe(true);
    expect(existsSync(join(out, "broken"))).toBe(false);

    // Brands: Acme's logo embedded, its colour, font and texts; Globex's minimal theme and colour; Acme's CNY.
    const acmeHtml = readFileSync(join(acmeDir, "report.html"), "utf8");
    expect(acmeHtml).toMatch(/<img class="cover-logo-image" src="data:image\/svg\+xml;base64,/);
    expect(acmeHtml).toContain("--accent: #0b6e4f");
    expect(acmeHtml).toContain("Prepared by Northwind Advisory for Acme Ltd");
    expect(acmeHtml).toContain("&quot;DejaVu Sans&quot;");
    expect(acmeHtml).toContain("Acme Ltd churn review");
    expect(acmeHtml).not.toMatch(/src="(?!data:)/);
    const globexHtml = readFileSync(join(out, "globex/report/2026-10/report.html"), "utf8");
    expect(globexHtml).toContain("churnbook \"minimal\" theme");
    expect(globexHtml).toContain("--accent: #7a1f5c");
    // The logo is in the PDF too (the SVG stays vector: its "ACME" text on the cover and in the
    // running header), the brand's footer text and the client's name in the header.
    const pdfText = spawnSync("pdftotext", [join(acmeDir, "report.pdf"), "-"], { encoding: "utf8" }).stdout;
    expect(pdfText).toContain("Acme Ltd — confidential");
    expect(pdfText).toContain("Prepared by Northwind Advisory for Acme Ltd");
    const cover = spawnSync("pdftotext", ["-l", "1", join(acmeDir, "report.pdf"), "-"], { encoding: "utf8" }).stdout;
    expect(cover.match(/\bACME\b/g)?.length).toBe(2);
    expect(cover).toContain("Acme Ltd · October 2026");

    // tables.xlsx read back with exceljs: the declared types.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(acmeDir, "tables.xlsx"));
    const csvs = readdirSync(join(acmeDir, "tables")).map((f) => f.replace(/\.csv$/, "")).sort();
    expect(wb.worksheets.map((w) => w.name).sort()).toEqual(csvs.map((n) => n.slice(0, 31)).sort());
    const trend = wb.getWorksheet("trend")!;
    const header = (trend.getRow(1).values as unknown[]).slice(1) as string[];
    const col = header.indexOf("churn_rate") + 1;
    expect(col).toBeGreaterThan(0);
    expect(typeof trend.getRow(2).getCell(col).value).toBe("number");
    expect(trend.getRow(2).getCell(col).numFmt).toBe("0.0%");
    expect(trend.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    expect(trend.getRow(2).getCell(header.indexOf("period") + 1).value).toMatch(/^\d{4}-\d{2}$/);
  });

  it("re-run: the two good clients are skipped (unchanged), the broken one fails again, exit 1", () => {
    const before = statSync(join(out, "acme/report/2026-10/report.pdf")).mtimeMs;
    const r = cli("batch", report, "--clients", clientsFile, "--period", "2026-10", "--out", out);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/acme\s+2026-10\s+skipped \(unchanged\)/);
    expect(r.stdout).toMatch(/globex\s+2026-10\s+skipped \(unchanged\)/);
    expect(r.stdout).toMatch(/broken\s+2026-10\s+failed.*"12x"/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(statSync(join(out, "acme/report/2026-10/report.pdf")).mtimeMs).toBe(before);
    const summary = JSON.parse(readFileSync(join(out, "batch-summary.json"), "utf8"));
    expect(summary.runs.map((x: { status: string; reason?: string }) => `${x.status}${x.reason ? `:${x.reason}` : ""}`)).toEqual(["skipped:unchanged", "skipped:unchanged", "failed"]);
    expect(summary.runs[0].pages).toBeGreaterThan(3);
  });

  it("JSON lines with --json; a changed brand file renders that client again", () => {
    const brandDir = join(work, "brand2");
    mkdirSync(brandDir);
    copyFileSync(join(root, "test/input/batch/brands/acme-logo.svg"), join(brandDir, "acme-logo.svg"));
    writeFileSync(join(brandDir, "brand.yaml"), readFileSync(join(root, "test/input/batch/brands/acme.yaml"), "utf8"));
    const one = join(work, "one.yaml");
    writeFileSync(one, `clients:\n  - { id: acme, name: Acme Ltd, currency: CNY, brand: brand2/brand.yaml, params: { client: acme } }\n`);
    const outJson = join(work, "out-json");
    let r = cli("batch", report, "--clients", one, "--period", "2026-10", "--out", outJson, "--format", "html", "--json");
    expect(r.status).toBe(0);
    const events = r.stderr.trim().split("\n").map((l) => JSON.parse(l));
    expect(events.some((e) => e.event === "run" && e.client === "acme" && e.status === "ok")).toBe(true);
    expect(events.some((e) => e.event === "step")).toBe(true);
    r = cli("batch", report, "--clients", one, "--period", "2026-10", "--out", outJson, "--format", "html", "--json");
    expect(JSON.parse(r.stderr.trim().split("\n").find((l) => l.includes('"event":"run"'))!)).toMatchObject({ status: "skipped", reason: "unchanged" });
    writeFileSync(join(brandDir, "acme-logo.svg"), readFileSync(join(brandDir, "acme-logo.svg"), "utf8").replace("#f4a259", "#e63946"));
    r = cli("batch", report, "--clients", one, "--period", "2026-10", "--out", outJson, "--format", "html", "--json");
    expect(JSON.parse(r.stderr.trim().split("\n").find((l) => l.includes('"event":"run"'))!)).toMatchObject({ status: "ok" });
    r = cli("batch", report, "--clients", one, "--period", "2026-10", "--out", outJson, "--format", "html", "--json", "--force");
    expect(JSON.parse(r.stderr.trim().split("\n").find((l) => l.includes('"event":"run"'))!)).toMatchObject({ status: "ok" });
  });
});

describe("churnbook due", () => {
  it("renders what is due once, and nothing the second time", () => {
    const dueOut = join(work, "due");
    const globexOnly = join(work, "globex.yaml");
    writeFileSync(globexOnly, "clients:\n  - { id: globex, name: Globex Inc., params: { client: globex } }\n");
    let r = cli("due", report, "--now", "2026-11-05", "--clients", globexOnly, "--out", dueOut);
    expect(r.stderr + r.stdout).toContain("2026-10 is due since 2026-11-03");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/globex\s+2026-10\s+ok/);
    const pdf = join(dueOut, "globex/report/2026-10/globex_2026-10_report.pdf");
    const before = statSync(pdf).mtimeMs;
    r = cli("due", report, "--now", "2026-11-05", "--clients", globexOnly, "--out", dueOut);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("nothing due on 2026-11-05");
    expect(r.stdout).toMatch(/globex\s+2026-10\s+skipped \(exists\)/);
    expect(statSync(pdf).mtimeMs).toBe(before);
    // Before the due day the previous month is the one due, which was never rendered: dry run lists it.
    r = cli("due", report, "--now", "2026-11-02", "--dry-run");
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("2026-09 is due since 2026-10-03");
  });

  it("refuses a bad date and a definition without a schedule", () => {
    expect(cli("due", report, "--now", "2026-02-30", "--dry-run").status).toBe(2);
    const r = cli("due", "reports/customer-value.yaml", "--now", "2026-11-05", "--dry-run");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("has no schedule");
  });
});

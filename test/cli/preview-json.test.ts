// churnbook preview --json: one JSON line per event on stderr; cell lines are exactly
// {"event":"cell","id":…,"ms":…,"cached":…}, so scripts can see what re-ran after an edit.

import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");

describe("churnbook preview --json", () => {
  it("prints a listening line, then one exact line per cell run; an edit re-runs only the edited cell and its readers", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "churnbook-preview-json-")), "p");
    expect(spawnSync(process.execPath, [join(root, "bin/churnbook.js"), "init", dir], { encoding: "utf8" }).status).toBe(0);
    const child = spawn(process.execPath, [join(root, "bin/churnbook.js"), "preview", "reports/churn.yaml", "--port", "0", "--period", "2026-10", "--json", "--no-cache"], { cwd: dir, env: { ...process.env, TZ: "UTC" } });
    const lines: Record<string, unknown>[] = [];
    let buffer = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (c: string) => {
      buffer += c;
      const parts = buffer.split("\n");
      buffer = parts.pop()!;
      for (const p of parts) if (p.startsWith("{")) lines.push(JSON.parse(p) as Record<string, unknown>);
    });
    const waitFor = async (pred: () => boolean) => {
      for (let i = 0; i < 600 && !pred(); i++) await new Promise((r) => setTimeout(r, 100));
      expect(pred()).toBe(true);
    };
    try {
      await waitFor(() => lines.some((l) => l.event === "listening"));
      const url = lines.find((l) => l.event === "listening")!.url as string;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect((await fetch(url)).status).toBe(200);
      const cells = lines.filter((l) => l.event === "cell");
      expect(cells.map((c) => c.id)).toEqual(["summary", "trend", "reasons", "top_reasons", "markdown-4", "kpis", "chart-6", "chart-7", "table-9"]);
      for (const c of cells) expect(Object.keys(c)).toEqual(["event", "id", "ms", "cached"]);
      const mark = lines.length;
      const file = join(dir, "reports/churn.yaml");
      writeFileSync(file, readFileSync(file, "utf8").replace("params: { periods: 12 }", "params: { periods: 7 }"));
      expect((await fetch(url)).status).toBe(200);
      await waitFor(() => lines.slice(mark).some((l) => l.event === "run"));
      expect(lines.slice(mark).filter((l) => l.event === "cell" && l.cached === false).map((l) => l.id)).toEqual(["trend", "chart-6"]);
    } finally {
      child.kill("SIGTERM");
    }
  }, 120_000);
});

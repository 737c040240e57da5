// `churnbook init [dir] [--locale zh-CN|en-US]`: a project to start from — a report definition,
// a small sample dataset (the seeded generator), the JSON Schema with the VS Code settings that
// associate it with report files (completion and validation), and a README with the two
// commands to preview and render. Existing files are never overwritten.

import { existsSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { sampleDataCommand } from "../../sample/write.js";
import { ChurnbookError } from "../../util/errors.js";
import { writeError } from "../../util/fs-errors.js";
import type { Printer } from "../output.js";

export const initLocales = ["zh-CN", "en-US"] as const;
export type InitLocale = (typeof initLocales)[number];

const schemaFile = fileURLToPath(new URL("../../../schema/report.schema.json", import.meta.url));

const definitions: Record<InitLocale, string> = {
  "en-US": `# yaml-language-server: $schema=../schema/report.schema.json
# Monthly churn report. Preview: npx churnbook preview reports/churn.yaml
#                       Render:  npx churnbook render reports/churn.yaml
title: "{{client_name}} monthly churn report"
locale: en-US
currency: "{{currency}}"
theme: { accent: "#1f4e79" }
params:
  period: { type: period, description: "Reporting period (default: the last complete month in the data)" }
  client_name: { type: string, default: "Sample Co." }
  currency: { type: string, default: USD }
churn: { basis: subscriptions }
datasets:
  customers: { path: ../data/customers.csv }
  subscriptions: { path: ../data/subscriptions.csv }
  churn_events: { path: ../data/churn_events.csv }
cells:
  - id: summary
    analysis: churn-summary
  - id: trend
    analysis: churn-trend
    params: { periods: 12 }
  - id: reasons
    analysis: churn-reasons
  - markdown: |
      ## Summary

      In {{period period}} churn was **{{percent summary.churn_rate}}** ({{delta summary.churn_rate summary.prev_churn_rate format="percent"}} vs the previous month); net revenue retention was {{percent summary.nrr}}.
  - id: kpis
    kpi:
      - { label: Customers, value: summary.customers_end, previous: summary.prev_customers_end, format: integer, better: up }
      - { label: Churn rate, value: summary.churn_rate, previous: summary.prev_churn_rate, format: percent, better: down }
      - { label: MRR, value: summary.mrr_end, previous: summary.prev_mrr_end, format: currency, better: up }
  - chart: trend
    title: Churn and retention, last 12 months
  - chart: reasons
    title: Why customers left
  # A transform reshapes a result table with Arquero verbs (no code runs).
  - id: top_reasons
    transform:
      from: reasons
      steps:
        - filter: "d => d.events > 0"
        - orderby: [-lost_mrr]
        - select: [label, events, share, lost_mrr]
        - slice: 5
  - table: top_reasons
    title: Top reasons by lost MRR
`,
  "zh-CN": `# yaml-language-server: $schema=../schema/report.schema.json
# 月度客户流失报告。预览：npx churnbook preview reports/churn.yaml
#                 生成：npx churnbook render reports/churn.yaml
title: "{{client_name}} 月度客户流失报告"
locale: zh-CN
currency: "{{currency}}"
theme: { accent: "#1f4e79" }
params:
  period: { type: period, description: 报告期（默认为数据中最后一个完整月份） }
  client_name: { type: string, default: 示例公司 }
  currency: { type: string, default: CNY }
churn: { basis: subscriptions }
datasets:
  customers: { path: ../data/customers.csv }
  subscriptions: { path: ../data/subscriptions.csv }
  churn_events: { path: ../data/churn_events.csv }
cells:
  - id: summary
    analysis: churn-summary
  - id: trend
    analysis: churn-trend
    params: { periods: 12 }
  - id: reasons
    analysis: churn-reasons
  - markdown: |
      ## 摘要

      {{period period}}客户流失率 **{{percent summary.churn_rate}}**，环比 {{delta summary.churn_rate summary.prev_churn_rate format="percent"}}；净收入留存率 {{percent summary.nrr}}。
  - id: kpis
    kpi:
      - { label: 期末客户数, value: summary.customers_end, previous: summary.prev_customers_end, format: integer, better: up }
      - { label: 客户流失率, value: summary.churn_rate, previous: summary.prev_churn_rate, format: percent, better: down }
      - { label: 月经常性收入, value: summary.mrr_end, previous: summary.prev_mrr_end, format: currency, better: up }
  - chart: trend
    title: 客户流失率与保持率（近12个月）
  - chart: reasons
    title: 流失原因
  # 转换单元：用 Arquero 动词重塑结果表（不运行任何代码）。
  - id: top_reasons
    transform:
      from: reasons
      steps:
        - filter: "d => d.events > 0"
        - orderby: [-lost_mrr]
        - select: [label, events, share, lost_mrr]
        - slice: 5
  - table: top_reasons
    title: 流失MRR最多的原因
`,
};

/** The sample data's language (names, plans, reasons) for a project's locale. */
const sampleLanguage: Record<InitLocale, "zh" | "en"> = { "zh-CN": "zh", "en-US": "en" };

const readmes: Record<InitLocale, string> = {
  "en-US": `# Churn reports

Made with \`churnbook init\`. The report definition is \`reports/churn.yaml\`; the sample data in
\`data/\` was generated by churnbook (replace it with your own exports, mapping columns with
\`columns:\` in the definition).

\`\`\`sh
npx churnbook preview reports/churn.yaml   # live notebook on http://127.0.0.1:4321/, re-runs on save
npx churnbook render reports/churn.yaml    # out/churn/<period>/report.html and report.pdf
\`\`\`

VS Code completes and checks the definition as you type (\`.vscode/settings.json\` associates
\`schema/report.schema.json\` with \`reports/*.yaml\`; it needs the YAML extension, redhat.vscode-yaml).
Results are cached in \`.churnbook-cache/\` (safe to delete; \`--no-cache\` bypasses it).
`,
  "zh-CN": `# 客户流失报告

由 \`churnbook init\` 创建。报告定义在 \`reports/churn.yaml\`；\`data/\` 中是 churnbook 生成的示例数据
（可替换为您自己的导出文件，并在定义中用 \`columns:\` 映射列名）。

\`\`\`sh
npx churnbook preview reports/churn.yaml   # 实时笔记本 http://127.0.0.1:4321/ ，保存即重新运行
npx churnbook render reports/churn.yaml    # 生成 out/churn/<报告期>/report.html 与 report.pdf
\`\`\`

VS Code 会在输入时补全并检查定义（\`.vscode/settings.json\` 将 \`schema/report.schema.json\` 关联到
\`reports/*.yaml\`，需要安装 YAML 扩展 redhat.vscode-yaml）。结果缓存在 \`.churnbook-cache/\`（可随时删除；\`--no-cache\` 跳过缓存）。
`,
};

export interface InitResult {
  dir: string;
  files: string[];
}

/** Writes the scaffold into `dir` (created if missing); refuses to overwrite any file. */
export async function initProject(dirArg: string, locale: InitLocale): Promise<InitResult> {
  const dir = resolve(dirArg);
  const files: Record<string, string> = {
    "reports/churn.yaml": definitions[locale],
    "schema/report.schema.json": readFileSync(schemaFile, "utf8"),
    ".vscode/settings.json": JSON.stringify({ "yaml.schemas": { "./schema/report.schema.json": ["reports/*.yaml", "reports/*.yml"] } }, null, 2) + "\n",
    ".vscode/extensions.json": JSON.stringify({ recommendations: ["redhat.vscode-yaml"] }, null, 2) + "\n",
    "README.md": readmes[locale],
    ".gitignore": "out/\n.churnbook-cache/\n",
  };
  const data = ["customers.csv", "subscriptions.csv", "churn_events.csv"];
  const taken = [...Object.keys(files), ...data.map((f) => `data/${f}`)].filter((f) => existsSync(join(dir, f)));
  if (taken.length) {
    throw new ChurnbookError("init-exists", `${relative(process.cwd(), dir) || "."} already has ${taken.join(", ")}`, { hint: "choose an empty or new folder: churnbook init <dir>", exitCode: 1 });
  }
  try {
    for (const [name, text] of Object.entries(files)) {
      await mkdir(join(dir, name, ".."), { recursive: true });
      await writeFile(join(dir, name), text, { flag: "wx" });
    }
    // A small company: ~2 years of subscriptions for 400 customers (seeded: the same every time).
    const sample = sampleDataCommand({ seed: 7, customers: 400, out: join(dir, ".churnbook-sample"), language: sampleLanguage[locale] });
    await mkdir(join(dir, "data"), { recursive: true });
    for (const f of data) await writeFile(join(dir, "data", f), readFileSync(join(sample.dir, f)), { flag: "wx" });
    const { rm } = await import("node:fs/promises");
    await rm(join(dir, ".churnbook-sample"), { recursive: true, force: true });
  } catch (e) {
    throw writeError(e, { path: dir }) ?? e;
  }
  return { dir, files: [...Object.keys(files), ...data.map((f) => `data/${f}`)].sort() };
}

export async function initCommand(args: { dir?: string; locale?: string }, printer: Printer): Promise<number> {
  const locale = (args.locale ?? "en-US") as InitLocale;
  if (!initLocales.includes(locale)) throw new ChurnbookError("bad-flag", `unknown locale "${args.locale}"`, { hint: `use ${initLocales.join(" or ")}`, exitCode: 2 });
  const result = await initProject(args.dir ?? ".", locale);
  printer.info(`created ${result.dir}`);
  for (const f of result.files) printer.progress(f);
  const rel = relative(process.cwd(), result.dir);
  const cd = rel && rel !== "." ? `cd ${rel} && ` : "";
  printer.info(`next: ${cd}npx churnbook preview reports/churn.yaml   (then: npx churnbook render reports/churn.yaml)`);
  return 0;
}

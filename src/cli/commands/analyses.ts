import { registry } from "../../analysis/registry.js";
import { isParamNeed, type Locale } from "../../analysis/types.js";
import type { Printer } from "../output.js";

/** Lists analyses: id, title, params (with defaults) and the roles/fields they need. */
export async function analysesCommand(args: { locale?: string; json?: boolean }, printer: Printer): Promise<number> {
  const locale = (args.locale === "zh-CN" ? "zh-CN" : "en-US") as Locale;
  const list = [...registry.values()]
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((a) => ({
      id: a.id,
      title: a.title[locale],
      summary: a.summary[locale],
      needs: a.needs.map((n) => (Array.isArray(n) ? n : [n]).map((o) => (isParamNeed(o) ? { param: o.param } : { role: o.role, fields: o.fields, optional: o.optional ?? [] }))),
      params: Object.entries(a.params.properties).map(([name, s]) => ({ name, type: (s as { type?: string }).type ?? "enum", default: (s as { default?: unknown }).default ?? null, description: (s as { description?: string }).description ?? "" })),
      tables: a.mainTable,
    }));
  if (args.json) {
    printer.data(JSON.stringify(list, null, 2));
    return 0;
  }
  const lines: string[] = [];
  for (const a of list) {
    lines.push(`${a.id} — ${a.title}`, `  ${a.summary}`);
    lines.push(`  needs: ${a.needs.map((alts) => alts.map((o) => ("param" in o ? `--param ${o.param}` : `${o.role}(${o.fields.join(", ")}${o.optional.length ? `; optional ${o.optional.join(", ")}` : ""})`)).join(" or ")).join(" + ")}`);
    for (const p of a.params) lines.push(`  --param ${p.name}=${p.default === null ? "…" : String(p.default)}  ${p.description}`);
    lines.push("");
  }
  printer.data(lines.join("\n"));
  return 0;
}

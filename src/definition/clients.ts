// clients.yaml: the clients a batch renders a report for. Each client has an id (its output
// folder and file-name prefix), a display name, and optionally its data location (a folder, or
// a dataset → file map), locale, currency, brand (a brand file or inline) and parameter
// overrides for the report's declared parameters. Validated like a definition: located
// file:line:col errors, its own JSON Schema (schema/clients.schema.json).
//
//   clients:
//     - id: acme
//       name: Acme Ltd
//       params: { client: acme, currency: CNY }

import { Type, type Static } from "@sinclair/typebox";
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { locales, type Locale } from "../core/vocabulary.js";
import { ChurnbookError, closeMatches } from "../util/errors.js";
import { BrandSpec, loadBrandFile, resolveBrand, type Brand } from "./brand.js";
import { locatedError, parseLocatedYaml } from "./located-yaml.js";
import type { Report } from "./normalize.js";
import type { Problem, SourceMap } from "./validate.js";

const ParamValue = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);

export const ClientSpec = Type.Object(
  {
    id: Type.String({ pattern: "^[A-Za-z0-9][A-Za-z0-9_-]*$", description: "The client's id: its output folder and the prefix of its file names (<id>_<period>_<report>.pdf)." }),
    name: Type.String({ minLength: 1, description: "Display name: cover, running header, index page; the report's `client_name` parameter when it declares one." }),
    locale: Type.Optional(Type.Union(locales.map((l) => Type.Literal(l)), { description: "Language of labels, numbers and dates (default: the definition's)." })),
    currency: Type.Optional(Type.String({ pattern: "^[A-Z]{3}$", description: "ISO 4217 code; the report's `currency` parameter when it declares one, else its currency." })),
    data: Type.Optional(
      Type.Union([Type.String({ description: "A folder holding the client's files, named as in the definition's dataset paths." }), Type.Record(Type.String({ pattern: "^[a-z][a-z0-9_]*$" }), Type.String(), { description: "Dataset name → file." })], {
        description: "Where the client's data is, relative to this file: a folder, or a dataset → file map. Default: the definition's paths with the client's parameters.",
      }),
    ),
    brand: Type.Optional(Type.Union([Type.String({ description: "A brand file (YAML), relative to this file." }), BrandSpec])),
    params: Type.Optional(Type.Record(Type.String({ pattern: "^[a-z][a-z0-9_]*$" }), ParamValue, { description: "Values for the report's declared parameters." })),
  },
  { additionalProperties: false },
);

export const ClientsSpec = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    defaults: Type.Optional(
      Type.Object(
        {
          brand: Type.Optional(Type.Union([Type.String(), BrandSpec], { description: "Brand of clients that name none." })),
          params: Type.Optional(Type.Record(Type.String({ pattern: "^[a-z][a-z0-9_]*$" }), ParamValue, { description: "Parameter values for every client (a client's own win)." })),
        },
        { additionalProperties: false },
      ),
    ),
    clients: Type.Array(ClientSpec, { minItems: 1, description: "The clients, rendered in this order." }),
  },
  { additionalProperties: false },
);

export type ClientsSpecT = Static<typeof ClientsSpec>;

export interface Client {
  id: string;
  name: string;
  locale?: Locale;
  currency?: string;
  /** Absolute folder, or dataset name → absolute file. */
  data?: { folder: string } | { files: Record<string, string> };
  brand?: Brand;
  /** Parameter overrides, as strings (like --param). */
  params: Record<string, string>;
  /** Where the client is written, for located errors. */
  line: number;
  column: number;
  index: number;
}

export interface ClientsFile {
  file: string;
  clients: Client[];
  source: SourceMap;
}

export function clientsJsonSchema(): object {
  const top = JSON.parse(JSON.stringify(ClientsSpec)) as object;
  return { $schema: "http://json-schema.org/draft-07/schema#", $id: "https://churnbook.dev/schema/clients.schema.json", title: "churnbook clients file", ...top };
}

export async function loadClients(file: string): Promise<ClientsFile> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new ChurnbookError("missing-file", `cannot read clients file "${file}"`, { hint: (e as NodeJS.ErrnoException).code === "ENOENT" ? "check the path given to --clients" : String(e), exitCode: 2 });
  }
  return parseClientsText(text, file);
}

export async function parseClientsText(text: string, file: string): Promise<ClientsFile> {
  const { value, source } = parseLocatedYaml<ClientsSpecT>(text, file, ClientsSpec, "clients file", "invalid-clients");
  const dir = dirname(resolve(file));
  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  value.clients.forEach((c, i) => {
    const key = c.id.toLowerCase();
    if (seen.has(key)) problems.push({ ...source.locate(["clients", i, "id"]), message: `duplicate client id "${c.id}"`, hint: `first used by client ${seen.get(key)! + 1}; ids name output folders and files` });
    else seen.set(key, i);
  });
  if (problems.length) throw locatedError(file, "clients file", problems, "invalid-clients");
  const brands = new Map<string, Promise<Brand>>();
  const brandAt = async (b: string | ClientsSpecT["clients"][number]["brand"] & object, path: (string | number)[]): Promise<Brand> => {
    if (typeof b === "object") return resolveBrand(b, source, path, dir, [resolve(file)]);
    const target = resolve(dir, b);
    let p = brands.get(target);
    if (!p) {
      p = (async () => {
        try {
          await readFile(target);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          throw locatedError(file, "clients file", [{ ...source.locate(path), message: `brand file "${b}" ${code === "ENOENT" ? "does not exist" : `cannot be read (${code})`}`, hint: `looked for ${target}; paths are relative to ${file}` }], "missing-file");
        }
        return loadBrandFile(target);
      })();
      brands.set(target, p);
    }
    return p;
  };
  const clients: Client[] = [];
  for (const [i, c] of value.clients.entries()) {
    const at = source.locate(["clients", i]);
    const brandSpec = c.brand ?? value.defaults?.brand;
    const brand = brandSpec === undefined ? undefined : await brandAt(brandSpec, c.brand !== undefined ? ["clients", i, "brand"] : ["defaults", "brand"]);
    const params = Object.fromEntries(Object.entries({ ...value.defaults?.params, ...c.params }).map(([k, v]) => [k, String(v)]));
    clients.push({
      id: c.id,
      name: c.name,
      locale: c.locale as Locale | undefined,
      currency: c.currency,
      data: c.data === undefined ? undefined : typeof c.data === "string" ? { folder: resolve(dir, c.data) } : { files: Object.fromEntries(Object.entries(c.data).map(([k, v]) => [k, resolve(dir, v)])) },
      brand,
      params,
      line: at.line,
      column: at.column,
      index: i,
    });
  }
  return { file, clients, source };
}

/** What a clients file says that the report cannot take: unknown parameters and datasets. */
export function checkClientsAgainst(clients: ClientsFile, report: Report): void {
  const problems: Problem[] = [];
  const declared = Object.keys(report.params);
  const datasets = report.datasets.map((d) => d.name);
  for (const c of clients.clients) {
    for (const name of Object.keys(c.params)) {
      if (declared.includes(name)) continue;
      const inClient = clients.source.locate(["clients", c.index, "params", name], true);
      const at = inClient.line === c.line ? clients.source.locate(["defaults", "params", name], true) : inClient;
      const near = closeMatches(name, declared);
      problems.push({ ...at, message: `client "${c.id}": "${name}" is not a parameter of ${report.name}`, hint: `${near.length ? `did you mean "${near[0]}"? ` : ""}parameters of ${report.name}: ${declared.join(", ")}` });
    }
    if (c.data && "files" in c.data) {
      for (const name of Object.keys(c.data.files)) {
        if (datasets.includes(name)) continue;
        const near = closeMatches(name, datasets);
        problems.push({ ...clients.source.locate(["clients", c.index, "data", name], true), message: `client "${c.id}": ${report.name} has no dataset "${name}"`, hint: `${near.length ? `did you mean "${near[0]}"? ` : ""}datasets: ${datasets.join(", ")}` });
      }
    }
  }
  if (problems.length) throw locatedError(clients.file, "clients file", problems, "invalid-clients");
}

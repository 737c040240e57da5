// What a definition is checked against: the vocabularies of the later stages (the analysis
// registry with its params and declared outputs, the dataset roles, the chart marks, the markdown
// templates' helpers and parser). definition/ is the first stage and imports none of them at run
// time: the layer above hands them in (runner/definitions.ts wires the real ones), so parsing a
// definition loads only what the caller chose, and a test can check a definition against a
// stand-in registry. Their types are imported (erased at build time).

import type { Analysis, ScalarDecl } from "../analysis/types.js";
import type { TemplatePos, TemplateUses } from "../render/template-check.js";
import type { Role } from "../data/roles.js";
import type { PrecompiledCheck } from "../util/schema-check.js";

export interface DefinitionVocabulary {
  /** The analyses by id: params schema, the datasets they need, declared outputs, default chart. */
  analyses: ReadonlyMap<string, Analysis>;
  /** Validates and defaults an analysis's params; throws a ChurnbookError (unknown-param, bad-param) naming the param. */
  resolveParams(analysis: Analysis, params: Record<string, unknown>): unknown;
  /** The declaration of a scalar of declared outputs (a declared `<placeholder>` name matches its instances), or undefined. */
  scalarDecl(outputs: NonNullable<Analysis["outputs"]>, name: string): ScalarDecl | undefined;
  /** A declared output name as a regular-expression source (`<placeholder>` → a name pattern), for the editor schema. */
  declaredNamePattern(name: string): string;
  /** Dataset roles and each role's canonical fields with their types. */
  roles: Readonly<Record<Role, Readonly<Record<string, string>>>>;
  /** Text encodings a dataset file may declare. */
  encodings: readonly string[];
  /** Types an attribute column may be given. */
  fieldTypes: readonly string[];
  /** The Observable Plot marks a chart cell may use. */
  markTypes: readonly string[];
  /** Markdown cells' Handlebars templates: the helpers they may call, and a parse that reports the parser's own message or every helper and path used. */
  templates: {
    helperNames: readonly string[];
    check(text: string): { error: TemplatePos & { message: string } } | { uses: TemplateUses };
  };
  /** The definition's schema checks compiled ahead of time ("report", "cell_<kind>"); each is used only while its schema is unchanged. */
  precompiled?: Readonly<Record<string, PrecompiledCheck>>;
}

/** The names of the dataset roles. */
export function roleNames(v: Pick<DefinitionVocabulary, "roles">): Role[] {
  return Object.keys(v.roles) as Role[];
}

export function isRole(v: Pick<DefinitionVocabulary, "roles">, name: string): name is Role {
  return Object.hasOwn(v.roles, name);
}

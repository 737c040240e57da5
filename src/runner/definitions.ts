// Report definitions read against the real vocabulary: the analysis registry (params, declared
// outputs), the dataset roles, the chart marks and the markdown templates' helpers and parser.
// definition/ takes these as an argument (definition/vocabulary.ts) instead of importing the
// later stages; this is the one place that wires them, for the CLI, the runner and the tests.

import { declaredNamePattern, scalarDecl } from "../analysis/outputs.js";
import { resolveParams } from "../analysis/params.js";
import { registry } from "../analysis/registry.js";
import { markTypes } from "../charts/spec.js";
import { encodings, fieldTypes, roles } from "../data/roles.js";
import * as definition from "../definition/index.js";
import type { DefinitionVocabulary, Report } from "../definition/index.js";
import { markdownHelperNames, parseTemplate, templateUses } from "../render/template-check.js";
// The definition's schema checks the build compiled ahead of time (runner/precompile.ts); none
// when running the TypeScript sources, where Ajv compiles them.
import { checks as precompiled } from "./definition-checks.js";

export const vocabulary: DefinitionVocabulary = {
  analyses: registry,
  resolveParams: (analysis, params) => resolveParams(analysis, params),
  scalarDecl,
  declaredNamePattern,
  roles,
  encodings,
  fieldTypes,
  markTypes,
  templates: {
    helperNames: markdownHelperNames,
    check(text) {
      const parsed = parseTemplate(text);
      return "error" in parsed ? parsed : { uses: templateUses(parsed.ast) };
    },
  },
  precompiled,
};

/** Reads, validates and normalises a definition file. */
export function loadReport(file: string): Promise<Report> {
  return definition.loadReport(file, vocabulary);
}

/** Validates and normalises a definition's text (`file` names it in messages and resolves its relative paths). */
export function parseReportText(text: string, file: string): Report {
  return definition.parseReportText(text, file, vocabulary);
}

/** The JSON Schema for editors (schema/report.schema.json). */
export function reportJsonSchema(): object {
  return definition.reportJsonSchema(vocabulary);
}

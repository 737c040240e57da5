// Small YAML files beside a definition (clients.yaml, brand files) are read like definitions:
// parsed with positions, checked against their TypeBox schema with Ajv, every problem reported
// at file:line:column in one error.

import { Ajv } from "ajv";
import type { TSchema } from "@sinclair/typebox";
import { LineCounter, parseDocument } from "yaml";
import { ChurnbookError, type ErrorCode } from "../util/errors.js";
import { problemsError, schemaProblems, SourceMap, yamlSyntaxProblem, type Problem } from "./validate.js";

const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
const compiled = new WeakMap<TSchema, ReturnType<typeof ajv.compile>>();

/** One error listing every problem of a file ("what" names the kind of file in the message). */
export function locatedError(file: string, what: string, problems: Problem[], code: ErrorCode = "invalid-file"): ChurnbookError {
  return problemsError(file, what, problems, code);
}

/** Parses YAML text and validates it against a schema; throws a located error listing every problem. */
export function parseLocatedYaml<T>(text: string, file: string, schema: TSchema, what: string, code: ErrorCode): { value: T; source: SourceMap } {
  const lines = new LineCounter();
  let doc: ReturnType<typeof parseDocument>;
  let value: unknown;
  const problems: Problem[] = [];
  try {
    doc = parseDocument(text.replace(/^\uFEFF/, ""), { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length) throw locatedError(file, what, [yamlSyntaxProblem(doc.errors, lines)], code);
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    if (e instanceof ChurnbookError) throw e;
    throw locatedError(file, what, [{ line: 1, column: 1, message: `YAML error: ${(e as Error).message.split("\n")[0]}` }], code);
  }
  const source = new SourceMap(file, doc, lines);
  let validate = compiled.get(schema);
  if (!validate) compiled.set(schema, (validate = ajv.compile(schema)));
  if (!validate(value)) {
    // A union (a brand file's path, or the brand written inline) fails both ways: schemaProblems
    // keeps the errors from inside the value and drops "must be string" for the same value.
    problems.push(...schemaProblems(validate.errors ?? [], [], source));
  }
  if (problems.length) throw locatedError(file, what, problems, code);
  return { value: value as T, source };
}

// Reading a definition file: parse, validate, normalise.

import { readFile } from "node:fs/promises";
import { isAlias, LineCounter, parseDocument, visit, YAMLError } from "yaml";
import { ChurnbookError, isChurnbookError } from "../util/errors.js";
import { normalizeReport, type Report } from "./normalize.js";
import { definitionError, parseReport } from "./validate.js";
import type { DefinitionVocabulary } from "./vocabulary.js";

/** Reads, validates against the vocabulary and normalises a definition file (runner/definitions.ts binds the real vocabulary). */
export async function loadReport(file: string, vocabulary: DefinitionVocabulary): Promise<Report> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new ChurnbookError("missing-file", `cannot read report definition "${file}"`, { hint: (e as NodeJS.ErrnoException).code === "ENOENT" ? "check the path" : String(e), exitCode: 2 });
  }
  return parseReportText(text, file, vocabulary);
}

export function parseReportText(text: string, file: string, vocabulary: DefinitionVocabulary): Report {
  let parsed: ReturnType<typeof parseReport>;
  try {
    parsed = parseReport(text, file, vocabulary);
  } catch (e) {
    throw isChurnbookError(e) ? e : (yamlFailure(text, file) ?? e);
  }
  return normalizeReport(parsed.spec, parsed.cellKinds, parsed.source, text);
}

/** The yaml package's own default: more alias expansions than this are refused. */
const maxAliasCount = 100;

/**
 * When parsing threw something other than a ChurnbookError: if the yaml library itself throws on
 * this text (an alias bomb, "billion laughs"; any other exception of the library), a located
 * definition error; otherwise undefined (a bug elsewhere, left to surface as one).
 */
function yamlFailure(text: string, file: string): ChurnbookError | undefined {
  const lines = new LineCounter();
  let failure: unknown;
  let doc: ReturnType<typeof parseDocument> | undefined;
  try {
    doc = parseDocument(text.replace(/^\uFEFF/, ""), { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    doc.toJS({ maxAliasCount });
    return undefined;
  } catch (e) {
    failure = e;
  }
  const message = failure instanceof Error ? failure.message.split("\n")[0]! : String(failure);
  if (/alias count|resource exhaustion/i.test(message)) {
    // Point at the first alias (*name): where the expansion starts.
    let at: { line: number; column: number } = { line: 1, column: 1 };
    if (doc) {
      let found: number | undefined;
      visit(doc, {
        Alias(_, node) {
          if (isAlias(node) && node.range) {
            found = node.range[0];
            return visit.BREAK;
          }
          return undefined;
        },
      });
      if (found !== undefined) {
        const { line, col } = lines.linePos(found);
        at = { line, column: col };
      }
    }
    return definitionError(file, [
      {
        ...at,
        message: `YAML aliases expand to too many nodes (more than ${maxAliasCount} alias uses): the definition is refused`,
        hint: `this looks like a "billion laughs" document; a report definition needs few anchors (&name) and aliases (*name) — write the values out instead`,
      },
    ]);
  }
  let at = { line: 1, column: 1 };
  if (failure instanceof YAMLError && failure.linePos) at = { line: failure.linePos[0].line, column: failure.linePos[0].col };
  return definitionError(file, [{ ...at, message: `YAML error: ${message}`, hint: "the YAML parser could not read this file; check it for unusual constructs (deep nesting, anchors, tags)" }]);
}

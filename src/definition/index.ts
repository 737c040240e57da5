export { loadReport, parseReportText } from "./load.js";
export type { Report, ReportCell, DatasetDef, ReportParam } from "./normalize.js";
export { reportJsonSchema } from "./json-schema.js";
export type { DefinitionVocabulary } from "./vocabulary.js";

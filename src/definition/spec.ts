// The report definition as written in reports/*.yaml. These TypeBox schemas are the one
// source for the TypeScript types, the validator (Ajv) and the shipped JSON Schema
// (schema/report.schema.json, written by `npm run schema`). Descriptions are for report authors:
// they show up in VS Code's YAML completion.

import { Type, type Static, type TSchema } from "@sinclair/typebox";
import { locales, outputFormats } from "../core/vocabulary.js";
import { AlertSpec, AppendixSpec, CoverSpec, SummarySpec } from "./page-one.js";
import { roleNames, type DefinitionVocabulary } from "./vocabulary.js";

/** The words of later stages a schema names (roles, field types, encodings, marks): handed in, see vocabulary.ts. */
export type SchemaVocabulary = Pick<DefinitionVocabulary, "roles" | "encodings" | "fieldTypes" | "markTypes">;

const literals = <T extends readonly string[]>(values: T, options: { description?: string; default?: T[number] } = {}) =>
  Type.Union(values.map((v) => Type.Literal(v)) as never, options) as TSchema;

const Id = Type.String({ pattern: "^[a-z][a-z0-9_-]*$", description: "An identifier: lower case letters, digits, '-' and '_', starting with a letter." });

export const ParamSpec = Type.Object(
  {
    type: literals(["period", "string", "number", "integer", "boolean"] as const, { description: "The parameter's type. `period` is a month (2026-10), quarter (2026-Q3) or year (2026)." }),
    default: Type.Optional(Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()], { description: "Default value. For `period`, omit it to use the last complete period in the data." })),
    grain: Type.Optional(literals(["month", "quarter", "year"] as const, { description: "For `period` params without a default: the grain of the default period (default: month)." })),
    description: Type.Optional(Type.String()),
  },
  { additionalProperties: false, description: "A typed report parameter; CLI flags (--period, --param key=value) override its default." },
);

const datasetSpec = (v: SchemaVocabulary) =>
  Type.Object(
    {
      path: Type.Optional(Type.String({ description: "File path, relative to the report file. May use parameters: data/{{client}}/subscriptions.csv" })),
      connection: Type.Optional(
        Type.String({
          pattern: "^env:[A-Za-z_][A-Za-z0-9_]*$",
          description: "A database instead of a file: env:VARIABLE, the environment variable holding a PostgreSQL URL (postgresql://user:password@host:5432/db). Never the URL itself. With table or query; the analyses then run in the database.",
        }),
      ),
      table: Type.Optional(Type.String({ description: "With connection: the table or view to read (schema.table, or a table on the search path)." })),
      query: Type.Optional(Type.String({ description: "With connection: a SELECT whose rows are the dataset (ORDER BY it to give rows stable numbers in messages)." })),
      role: Type.Optional(literals(roleNames(v), { description: "The role this dataset plays (default: the dataset's name when it is a role name)." })),
      format: Type.Optional(literals(["csv", "parquet", "json"] as const, { description: "File format (default: from the file extension)." })),
      columns: Type.Optional(Type.Record(Type.String(), Type.String(), { description: "Mapping from canonical field names (customer_id, start_date, mrr, …) to the file's column names." })),
      types: Type.Optional(Type.Record(Type.String(), literals(v.fieldTypes), { description: "Types of attribute columns (canonical fields have known types)." })),
      date_format: Type.Optional(Type.String({ description: "strptime format of date columns, e.g. %d/%m/%Y (default: ISO dates or yyyymmdd)." })),
      delimiter: Type.Optional(Type.String({ description: "CSV delimiter (default: detected)." })),
      encoding: Type.Optional(literals(v.encodings, { description: "Text encoding of a CSV or JSON file (default: utf-8). Exports from Chinese Excel are often gb18030 (a superset of gbk)." })),
      derive: Type.Optional(
        Type.Record(Type.String({ pattern: "^[a-z][a-z0-9_]*$" }), Type.String(), {
          description: "Derived columns: name → expression over the dataset's columns (arithmetic, comparisons, CASE WHEN, and functions such as coalesce, round, lower, upper, year, month, date_diff).",
        }),
      ),
    },
    { additionalProperties: false },
  );

export const ChurnSpec = Type.Object(
  {
    basis: literals(["subscriptions", "inactivity"] as const, {
      description: "How churn is recognised: `subscriptions` (contractual: the end of the last active subscription) or `inactivity` (non-contractual: no purchase for `days` days).",
    }),
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3660, default: 90, description: "Inactivity window in days (basis: inactivity; at most 10 years)." })),
    recognition: Type.Optional(
      literals(["period_end", "cancellation"] as const, {
        description: "Basis subscriptions: when churn is recognised — at the end of the paid period (end_date; default) or when the customer cancels (the subscriptions' cancel_date field).",
      }),
    ),
    grace_days: Type.Optional(Type.Integer({ minimum: 0, maximum: 366, default: 0, description: "Past-due grace (basis: subscriptions): a customer counts as churned this many days after the subscription ends; a renewal within the grace period is not a churn." })),
  },
  { additionalProperties: false },
);

const ScaleSpec = Type.Object(
  {
    label: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    tickFormat: Type.Optional(Type.String()),
    format: Type.Optional(literals(["percent", "currency", "number", "integer"] as const)),
    domain: Type.Optional(Type.Array(Type.Unknown())),
    range: Type.Optional(Type.Array(Type.Unknown())),
    type: Type.Optional(Type.String()),
    scheme: Type.Optional(Type.String()),
    legend: Type.Optional(Type.Boolean()),
    zero: Type.Optional(Type.Boolean()),
    grid: Type.Optional(Type.Boolean()),
    nice: Type.Optional(Type.Boolean()),
    ticks: Type.Optional(Type.Union([Type.Number(), Type.Array(Type.Number())], { description: "A tick count, or the tick values." })),
    tickRotate: Type.Optional(Type.Number()),
    reverse: Type.Optional(Type.Boolean()),
    percent: Type.Optional(Type.Boolean()),
    padding: Type.Optional(Type.Number()),
  },
  { additionalProperties: false },
);

const markSpec = (v: SchemaVocabulary) =>
  Type.Object(
    {
      mark: literals(v.markTypes, { description: "An Observable Plot mark." }),
      data: Type.String({ description: "A table of the analysis result." }),
      options: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: "Plot mark options; channels are column names." })),
      filter: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]))),
    },
    { additionalProperties: false },
  );

const plotSpec = (v: SchemaVocabulary) =>
  Type.Object(
    {
      from: Type.String({ description: "The id of the analysis cell whose result the marks read." }),
      marks: Type.Array(markSpec(v), { minItems: 1 }),
      x: Type.Optional(ScaleSpec),
      y: Type.Optional(ScaleSpec),
      fx: Type.Optional(ScaleSpec),
      fy: Type.Optional(ScaleSpec),
      color: Type.Optional(ScaleSpec),
      width: Type.Optional(Type.Number()),
      height: Type.Optional(Type.Number()),
      marginLeft: Type.Optional(Type.Number()),
      marginBottom: Type.Optional(Type.Number()),
    },
    { additionalProperties: false },
  );

const formats = ["number", "integer", "percent", "currency", "date", "period", "text", "months", "days"] as const;

const TableColumn = Type.Union([
  Type.String(),
  Type.Object({ key: Type.String(), label: Type.Optional(Type.String()), format: Type.Optional(literals(formats)) }, { additionalProperties: false }),
]);

const KpiItem = Type.Object(
  {
    label: Type.String(),
    value: Type.String({ description: "A reference to a scalar: <analysis cell id>.<scalar>, e.g. summary.churn_rate" }),
    previous: Type.Optional(Type.String({ description: "Reference to the previous period's value (环比)." })),
    last_year: Type.Optional(Type.String({ description: "Reference to the same period last year (同比)." })),
    format: Type.Optional(literals(formats, { default: "number" })),
    better: Type.Optional(literals(["up", "down"] as const, { description: "Whether a rise is good (up) or bad (down). Default: up." })),
  },
  { additionalProperties: false },
);

const cellCommon = {
  id: Type.Optional(Id),
  title: Type.Optional(Type.String()),
  caption: Type.Optional(Type.String()),
};

const Expr = Type.String({ description: 'An Arquero expression over the row d, e.g. "d => d.lost_mrr * 12"; functions from op (op.sum, op.mean, op.round, …).' });
/** A new column: its expression, or the expression and its format (else derived from the columns it reads). */
const NewColumn = Type.Union([Expr, Type.Object({ expr: Expr, format: Type.Optional(literals(outputFormats, { description: "How the column is presented; default: the format of the columns the expression reads where that is sound (a sum of currency is currency), else from its values." })) }, { additionalProperties: false })]);
const Columns = Type.Union([Type.String(), Type.Array(Type.String(), { minItems: 1 })]);
const TransformStep = Type.Union(
  [
    Type.Object({ filter: Expr }, { additionalProperties: false, description: "Keep the rows for which the expression is true." }),
    Type.Object({ derive: Type.Record(Type.String(), NewColumn) }, { additionalProperties: false, description: "Add or replace columns: name → expression." }),
    Type.Object({ groupby: Columns }, { additionalProperties: false, description: "Group by these columns (for rollup)." }),
    Type.Object({ rollup: Type.Record(Type.String(), NewColumn) }, { additionalProperties: false, description: "One row per group: name → aggregate expression (op.sum, op.mean, op.count, …)." }),
    Type.Object({ orderby: Columns }, { additionalProperties: false, description: "Sort by these columns; a leading - sorts descending." }),
    Type.Object({ select: Columns }, { additionalProperties: false, description: "Keep these columns, in this order." }),
    Type.Object(
      {
        join: Type.Object(
          { with: Type.String({ description: "<cell> (its main table) or <cell>.<table>" }), on: Columns, how: Type.Optional(literals(["inner", "left", "right", "full"] as const, { default: "inner" })) },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false, description: "Join another result table on key columns." },
    ),
    Type.Object({ slice: Type.Union([Type.Integer({ minimum: 0 }), Type.Object({ start: Type.Optional(Type.Integer({ minimum: 0 })), end: Type.Optional(Type.Integer({ minimum: 0 })) }, { additionalProperties: false })]) }, { additionalProperties: false, description: "The first N rows, or rows start to end." }),
  ],
  { description: "One Arquero verb: filter, derive, groupby, rollup, orderby, select, join or slice." },
);

export const cellKinds = ["markdown", "analysis", "chart", "table", "kpi", "pagebreak", "transform"] as const;
export type CellKind = (typeof cellKinds)[number];

const cellSchemasOf = (v: SchemaVocabulary) =>
  ({
    markdown: Type.Object({ ...cellCommon, markdown: Type.String({ description: "Markdown narrative; Handlebars expressions read analysis results, e.g. {{percent summary.churn_rate}}." }) }, { additionalProperties: false }),
    analysis: Type.Object(
      {
        ...cellCommon,
        id: Id,
        analysis: Type.String({ description: "An analysis of the registry (churnbook analyses)." }),
        params: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: "The analysis's params." })),
        show: Type.Optional(Type.Boolean({ description: "Show the analysis's default view here (its default chart and the first rows of its main table); analysis cells are silent otherwise." })),
      },
      { additionalProperties: false },
    ),
    chart: Type.Object({ ...cellCommon, chart: Type.Union([Type.String({ description: "An analysis cell id: its default chart." }), plotSpec(v)]), landscape: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
    table: Type.Object(
      {
        ...cellCommon,
        table: Type.String({ description: "<analysis cell id> (its main table) or <analysis cell id>.<table>" }),
        columns: Type.Optional(Type.Array(TableColumn)),
        limit: Type.Optional(Type.Integer({ minimum: 1, description: "Show the first N rows (the CSV export holds all)." })),
        sort: Type.Optional(Type.String({ description: "Sort by a column; prefix with - for descending." })),
        landscape: Type.Optional(Type.Boolean()),
      },
      { additionalProperties: false },
    ),
    kpi: Type.Object({ ...cellCommon, kpi: Type.Array(KpiItem, { minItems: 1 }) }, { additionalProperties: false }),
    pagebreak: Type.Object({ ...cellCommon, pagebreak: Type.Boolean() }, { additionalProperties: false }),
    transform: Type.Object(
      {
        ...cellCommon,
        id: Id,
        transform: Type.Object(
          {
            from: Type.String({ description: "The input table: an analysis or transform cell id (its main table) or <cell>.<table>." }),
            steps: Type.Array(TransformStep, { minItems: 1, description: "Arquero verbs, applied in order." }),
          },
          { additionalProperties: false, description: "Reshape a result table with Arquero verbs; the result is a table named after the cell, for tables and charts." },
        ),
      },
      { additionalProperties: false },
    ),
  }) as const;

const ScheduleDay = (grain: string) =>
  Type.Object(
    { day: Type.Integer({ minimum: 1, maximum: 31, description: `Day of the month after the ${grain} closes on which the report is due (29–31 mean the month's last day in shorter months).` }) },
    { additionalProperties: false },
  );

export const ScheduleSpec = Type.Object(
  {
    monthly: Type.Optional(ScheduleDay("month")),
    quarterly: Type.Optional(ScheduleDay("quarter")),
    yearly: Type.Optional(ScheduleDay("year")),
    fiscal_year_start: Type.Optional(Type.Integer({ minimum: 1, maximum: 12, description: "First month of the fiscal year (1 = January, the default); quarters and years close on its boundaries." })),
  },
  { additionalProperties: false, description: "When the report is due: `churnbook due` renders each closed period once, on or after this day (e.g. monthly: { day: 3 })." },
);

const reportSpec = (v: SchemaVocabulary) =>
  Type.Object(
    {
      $schema: Type.Optional(Type.String()),
      title: Type.String({ description: "The report's title (may use parameters: {{client}})." }),
      description: Type.Optional(Type.String()),
      locale: Type.Optional(literals(locales, { description: "Language and number/date formats. Default: en-US." })),
      currency: Type.Optional(Type.String({ pattern: "^([A-Z]{3}|\\{\\{\\s*[a-z][a-z0-9_]*\\s*\\}\\})$", description: "ISO 4217 currency code, or a parameter ({{currency}}) so one definition serves clients in several currencies. Default: USD." })),
      theme: Type.Optional(
        Type.Object(
          {
            name: Type.Optional(Type.String({ description: "Theme (templates/themes/<name>.css). Default: default." })),
            accent: Type.Optional(Type.String({ pattern: "^(#[0-9a-fA-F]{6}|\\{\\{\\s*[a-z][a-z0-9_]*\\s*\\}\\})$", description: "Brand colour, e.g. #0f4c81, or a parameter ({{accent}})." })),
            logo_text: Type.Optional(Type.String({ description: "Short brand text on the cover." })),
          },
          { additionalProperties: false },
        ),
      ),
      page: Type.Optional(
        Type.Object(
          { size: Type.Optional(literals(["A4", "Letter"] as const)), orientation: Type.Optional(literals(["portrait", "landscape"] as const)) },
          { additionalProperties: false },
        ),
      ),
      params: Type.Optional(Type.Record(Type.String({ pattern: "^[a-z][a-z0-9_]*$" }), ParamSpec)),
      churn: Type.Optional(ChurnSpec),
      returns: Type.Optional(
        literals(["net", "exclude"] as const, {
          description: "Returns and cancellations (transactions with amount < 0 or quantity < 0): `net` (default) subtracts them from the customer's spend; `exclude` leaves them out of every money figure. Under both, a return is never a purchase and never keeps a customer active.",
        }),
      ),
      schedule: Type.Optional(ScheduleSpec),
      cover: Type.Optional(CoverSpec),
      appendix: Type.Optional(AppendixSpec),
      summary: Type.Optional(SummarySpec),
      alerts: Type.Optional(Type.Array(AlertSpec, { description: "Alert thresholds, evaluated on the results: an alert band on page one (with the summary) and the list in manifest.json." })),
      datasets: Type.Record(Type.String({ pattern: "^[a-z][a-z0-9_]*$" }), datasetSpec(v), { description: "Named data sources, loaded once and shared by all cells." }),
      cells: Type.Array(Type.Object({}, { additionalProperties: true }), { minItems: 1, description: "The notebook: an ordered list of cells." }),
    },
    { additionalProperties: false },
  );

/** The TypeBox schemas of a definition (its top level, and each kind of cell) in the words of a vocabulary. */
export function definitionSchemas(v: SchemaVocabulary) {
  return { report: reportSpec(v), cells: cellSchemasOf(v) };
}
export type DefinitionSchemas = ReturnType<typeof definitionSchemas>;

export type ReportSpecT = Static<ReturnType<typeof reportSpec>>;
export type ParamSpecT = Static<typeof ParamSpec>;
export type DatasetSpecT = Static<ReturnType<typeof datasetSpec>>;
export type CellSpec = { [K in CellKind]: Static<ReturnType<typeof cellSchemasOf>[K]> & { kind?: never } };

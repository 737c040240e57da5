// The package's report templates compiled ahead of time, by "layout" and "partial:<name>". The
// sources have none (Handlebars compiles the templates when the TypeScript runs); the build writes
// the generated module (render/precompile.ts) over this one in dist/. Imported statically, not
// awaited: the CLI bundle is a script with no top-level await (scripts/build.mjs).

export interface CompiledTemplate {
  /** The template source it was compiled from, and by which Handlebars version. */
  source: string;
  version: string;
  spec: TemplateSpecification;
}

export const templates: Readonly<Record<string, CompiledTemplate>> | undefined = undefined;

/** `spellbook validate`: the metadata against the live database, schema and (with --data) rows. */
export { validateMetadata, type ValidateOptions } from './validate.js';
export { renderReport, type Finding, type FindingKind, type GroupReport, type ValidationReport } from './findings.js';
export { declaredColumns, schemaFindings } from './schema.js';
export { dataQueries } from './data.js';

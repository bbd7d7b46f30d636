/** `spellbook import`: check a file against a group's declared types, then write it in one transaction. */
export { importFile, parseDelimiter, createTableSql, keyTimeIndex, type KeyTimeIndex, type ImportRequest, type ImportResult } from './import.js';
export { importColumns, matchHeader, RowConverter, ValueProblem, storedType, type ImportColumn, type ColumnRole } from './columns.js';
export { valueParser, typePhrase, INVALID, type Parsed, type ValueParser } from './values.js';

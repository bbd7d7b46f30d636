/**
 * Renders small listings (`get meta`, `validate`) as an aligned table, YAML, JSON or CSV.
 * Tables are colored only when stdout is a terminal (chalk decides; NO_COLOR/FORCE_COLOR apply).
 */
import chalk from 'chalk';
import { stringify as csvStringify } from 'csv-stringify/sync';
import { stringify as yamlStringify } from 'yaml';

export type ListingFormat = 'table' | 'yaml' | 'json' | 'csv';
export const LISTING_FORMATS: readonly ListingFormat[] = ['table', 'yaml', 'json', 'csv'];

export type Section = { title: string; rows: readonly Record<string, string>[]; columns: readonly string[] };

/** Table cells wider than this are cut with an ellipsis; json/yaml/csv keep the full text. */
const MAX_CELL = 48;
const cell = (text: string) => (text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text);

function renderTable(section: Section): string {
  const columns = section.columns;
  const rows = section.rows.map((r) => Object.fromEntries(columns.map((c) => [c, cell(r[c] ?? '')])));
  const header = columns.map((c) => c.replace(/_/g, ' ').toUpperCase());
  const widths = columns.map((c, i) => Math.max(header[i]!.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  const out = [chalk.bold(line(header)), ...rows.map((r) => line(columns.map((c) => r[c] ?? '')))];
  return out.join('\n');
}

/** One string for stdout, ending in a newline. Several sections get titles (table) or keys (json/yaml). */
export function renderListing(sections: readonly Section[], format: ListingFormat): string {
  switch (format) {
    case 'json':
      return JSON.stringify(Object.fromEntries(sections.map((s) => [s.title, s.rows])), null, 2) + '\n';
    case 'yaml':
      return yamlStringify(Object.fromEntries(sections.map((s) => [s.title, s.rows])));
    case 'csv':
      // Several listings in one CSV stream: one block each with its own header, a blank line between.
      return sections
        .map((s) => csvStringify([s.columns as string[], ...s.rows.map((r) => s.columns.map((c) => r[c] ?? ''))]))
        .join('\n');
    case 'table': {
      const titled = sections.length > 1;
      return (
        sections
          .map((s) => (titled ? `${chalk.underline(s.title)}\n` : '') + (s.rows.length === 0 ? '(none)' : renderTable(s)))
          .join('\n\n') + '\n'
      );
    }
  }
}

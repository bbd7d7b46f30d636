/**
 * Structural validation against metadata.schema.json (the same file editors use), with
 * ajv's errors rewritten as `PATH: expected …, got …` sentences at the right place.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { childPointer, describeValue, suggestion, type Problems } from './problems.js';
import compiledValidator from './schema-validator.js';

/**
 * The schema compiled ahead of time by scripts/metadata-validator.js (ajv's standalone
 * code, with every error and its schema and data): compiling it at each start was most
 * of `get meta`'s CPU.
 */
const validate = compiledValidator as unknown as ValidateFunction;

type JsonType = 'null' | 'boolean' | 'integer' | 'number' | 'string' | 'array' | 'object';

function jsonType(value: unknown): JsonType {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as JsonType;
}

function fitsType(value: unknown, type: unknown): boolean {
  const actual = jsonType(value);
  const wanted = Array.isArray(type) ? (type as unknown[]) : [type];
  return wanted.some((t) => t === actual || (t === 'number' && actual === 'integer'));
}

const TYPE_PHRASES: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  null: 'nothing',
};

function expectedOf(schema: unknown): string | undefined {
  const x = (schema as Record<string, unknown> | undefined)?.['x-expected'];
  return typeof x === 'string' ? x : undefined;
}

/**
 * ajv reports every branch of an `anyOf` plus the anyOf itself. A person wants one
 * sentence: the errors of the branch whose type the value has (`key: [a, 42]` →
 * `key[1]: expected a string`), or, when no branch has that type, the anyOf's own
 * `x-expected` phrase.
 */
function collapseAnyOf(errors: ErrorObject[]): ErrorObject[] {
  let remaining = errors;
  const anyOfs = errors.filter((e) => e.keyword === 'anyOf').sort((a, b) => b.schemaPath.length - a.schemaPath.length);
  for (const any of anyOfs) {
    if (!remaining.includes(any)) continue;
    const under = (e: ErrorObject, prefix: string): boolean =>
      e !== any &&
      e.schemaPath.startsWith(prefix) &&
      (e.instancePath === any.instancePath || e.instancePath.startsWith(`${any.instancePath}/`));
    const branches = Array.isArray(any.schema) ? (any.schema as { type?: unknown }[]) : [];
    const match = branches.findIndex((b) => fitsType(any.data, b.type));
    remaining = remaining.filter((e) => {
      if (e === any) return match < 0;
      if (!under(e, `${any.schemaPath}/`)) return true;
      return match >= 0 && under(e, `${any.schemaPath}/${match}/`);
    });
  }
  return remaining;
}

/** Validates `data` against the schema; every violation becomes a problem. Returns true when valid. */
export function checkSchema(data: unknown, problems: Problems): boolean {
  if (validate(data)) return true;
  for (const e of collapseAnyOf(validate.errors ?? [])) report(e, problems);
  return false;
}

function report(e: ErrorObject, problems: Problems): void {
  const at = e.instancePath;
  const got = (): string => describeValue(e.data, problems.locate(at));
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const name = String(params['additionalProperty']);
      const known = Object.keys((e.parentSchema?.['properties'] as object | undefined) ?? {});
      problems.at(childPointer(at, name), `unknown key ${JSON.stringify(name)}${suggestion(name, known)}`, {
        where: 'key',
        displayPointer: at,
      });
      return;
    }
    case 'required':
      problems.at(at, `missing required key ${JSON.stringify(String(params['missingProperty']))}`);
      return;
    case 'type': {
      const types = String(params['type']).split(',');
      problems.at(at, `expected ${types.map((t) => TYPE_PHRASES[t] ?? t).join(' or ')}, got ${got()}`);
      return;
    }
    case 'enum': {
      const allowed = (params['allowedValues'] as unknown[]).map(String);
      const hint = typeof e.data === 'string' ? suggestion(e.data, allowed) : '';
      problems.at(at, `expected one of ${allowed.join(', ')}, got ${got()}${hint}`);
      return;
    }
    case 'const':
      problems.at(at, `expected ${JSON.stringify(params['allowedValue'])}, got ${got()}`);
      return;
    case 'pattern':
    case 'minLength':
    case 'minItems':
    case 'anyOf':
      problems.at(at, `expected ${expectedOf(e.parentSchema) ?? e.message ?? 'something else'}, got ${got()}`);
      return;
    default:
      problems.at(at, `${e.message ?? 'is invalid'}, got ${got()}`);
  }
}

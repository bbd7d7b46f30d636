/**
 * Reads a metadata file into the typed model (SPEC §1). Stages, each adding problems
 * with positions: YAML syntax → `${ENV}` in connection → JSON Schema → semantic checks.
 * All problems are reported together, sorted by position, as one METADATA_INVALID error.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { SpellbookError } from '../errors.js';
import { interpolate, mergeEnv, readDotenv, type Env } from './env.js';
import { buildMetadata } from './model.js';
import { describeValue } from './problems.js';
import { checkSchema } from './schema.js';
import type { Metadata } from './types.js';
import { parseYamlSource } from './yaml-source.js';

export interface LoadMetadataOptions {
  /** Variables for `${NAME}` in `connection:`; defaults to process.env. A `.env` beside the file fills the gaps. */
  readonly env?: Env;
  /**
   * Leave `connection:` unresolved: its structure is still checked, but `${NAME}` values
   * are not looked up and `md.connection` is absent. For runs that need no database
   * (`get meta`) or take it from --db / SPELLBOOK_DB, so a missing password does not
   * stop them.
   */
  readonly ignoreConnection?: boolean;
}

/** `--metadata`, else SPELLBOOK_METADATA, else `./metadata.yml`. */
export function resolveMetadataPath(flag: string | undefined, env: Env = process.env): string {
  if (flag !== undefined && flag !== '') return flag;
  const fromEnv = env['SPELLBOOK_METADATA'];
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : './metadata.yml';
}

/**
 * The file's text, refusing bytes that are not UTF-8: decoded leniently they would become
 * U+FFFD inside a column name or password and fail far from their cause.
 */
function decodeUtf8(path: string, bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const lenient = new TextDecoder('utf-8').decode(bytes);
    const at = lenient.indexOf('\uFFFD');
    const before = at < 0 ? lenient : lenient.slice(0, at);
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    throw new SpellbookError('METADATA_INVALID', `${path}:${line}:${column}: invalid UTF-8: save the file as UTF-8`);
  }
}

/**
 * Loads and checks a metadata file. Problems are reported as `PATH:LINE:COL: message`
 * lines with PATH as the caller wrote it, so they match what the user typed.
 */
export async function loadMetadata(path: string, options: LoadMetadataOptions = {}): Promise<Metadata> {
  const file = resolve(path);
  let text: string;
  try {
    text = decodeUtf8(path, await readFile(file));
  } catch (err) {
    if (err instanceof SpellbookError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new SpellbookError('METADATA_NOT_FOUND', `metadata file not found: ${path} (set --metadata or SPELLBOOK_METADATA)`, { file: path });
    }
    if (code === 'EISDIR') {
      throw new SpellbookError('METADATA_NOT_FOUND', `metadata file not found: ${path} is a folder (set --metadata or SPELLBOOK_METADATA)`, { file: path });
    }
    throw new SpellbookError('METADATA_INVALID', `cannot read metadata file ${path}: ${(err as Error).message}`, { cause: err });
  }
  const dir = dirname(file);
  const env = mergeEnv(options.env ?? process.env, await readDotenv(dir));
  return parseMetadata(text, { path, file, env, ignoreConnection: options.ignoreConnection ?? false });
}

export interface ParseMetadataOptions {
  /** The file name as shown in problems. */
  readonly path: string;
  /** Absolute path of the file; its folder anchors relative paths. */
  readonly file: string;
  readonly env: Env;
  readonly ignoreConnection?: boolean;
}

/** The checks of loadMetadata on text already read (no file system access). */
export function parseMetadata(text: string, options: ParseMetadataOptions): Metadata {
  const { parsed, problems } = parseYamlSource(text, {
    // ${NAME} is a connection feature only: elsewhere it would be a silent surprise in a column name.
    string(value, pointer, problems) {
      if (options.ignoreConnection || (pointer !== '/connection' && !pointer.startsWith('/connection/'))) return value;
      const { value: out, missing } = interpolate(value, options.env);
      for (const name of missing) problems.at(pointer, `environment variable ${name} is not set`);
      return out;
    },
  });
  if (problems.count > 0) throw problems.toError(options.path);

  const expected = 'expected a mapping with keys version, entities and groups';
  if (parsed.empty) {
    problems.add(parsed.start, `${expected}, got an empty file`);
    throw problems.toError(options.path);
  }
  const data = parsed.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    problems.add(parsed.start, `${expected}, got ${describeValue(data, parsed.sourceMap.get(''))}`);
    throw problems.toError(options.path);
  }

  checkSchema(data, problems);
  const md = buildMetadata(data as Record<string, unknown>, {
    problems,
    file: options.file,
    path: options.path,
    dir: dirname(options.file),
    ignoreConnection: options.ignoreConnection ?? false,
  });
  if (!md || problems.count > 0) throw problems.toError(options.path);
  return md;
}

/**
 * `${NAME}` in `connection:` (SPEC §1): credentials stay out of the metadata file, which
 * lives in version control. Values come from the environment, then from a `.env` file
 * beside the metadata file.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SpellbookError } from '../errors.js';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Parses `.env` text: `KEY=VALUE` lines, optional `export `, `#` comment lines and
 * trailing ` # comments` on unquoted values, values in single quotes (literal) or double
 * quotes (`\n`, `\"`, `\\` escapes). Lines that fit none of this are ignored, as dotenv does.
 */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rawLine of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*?)\s*$/.exec(rawLine);
    if (!m) continue;
    const key = m[1]!;
    let value = m[2]!;
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.length >= 2 && value.endsWith(quote)) {
      value = value.slice(1, -1);
      if (quote === '"') {
        value = value.replace(/\\([nrt"\\])/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c);
      }
    } else {
      value = value.replace(/\s+#.*$/, '');
    }
    out[key] = value;
  }
  return out;
}

/** The `.env` beside the metadata file, or nothing when there is none. */
export async function readDotenv(dir: string): Promise<Record<string, string>> {
  const file = join(dir, '.env');
  try {
    return parseDotenv(await readFile(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR') return {};
    throw new SpellbookError('METADATA_INVALID', `cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** The environment a metadata file sees: the process's own variables win over `.env`. */
export function mergeEnv(processEnv: Env, dotenv: Env): Env {
  const merged: Record<string, string | undefined> = { ...dotenv };
  for (const [key, value] of Object.entries(processEnv)) if (value !== undefined) merged[key] = value;
  return merged;
}

/**
 * Replaces each `${NAME}` with its value; `$${` stands for a literal `${` (a password may
 * contain one). Returns the names that are not set, so the caller can point at them.
 */
export function interpolate(text: string, env: Env): { value: string; missing: string[] } {
  const missing: string[] = [];
  const value = text.replace(/\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, escaped: string, name: string) => {
    if (escaped) return whole.slice(1);
    const v = env[name];
    if (v === undefined) {
      if (!missing.includes(name)) missing.push(name);
      return '';
    }
    return v;
  });
  return { value, missing };
}

/**
 * The package as a user gets it: `npm pack`, then `npm install <tarball>` in an empty
 * folder (better-sqlite3 compiles from source there: about a minute), then the CLI through
 * `npx spellbook` and the README's library example, compiled against the installed type
 * declarations and run. Uses the dist/ that `npm test` built (pack runs no scripts).
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../support/cli.js';
import { readParquet } from '../parquet/read-back.js';

const run = promisify(execFile);
const INSTALL_TIMEOUT_MS = 600_000;

function sh(cmd: string, args: readonly string[], cwd: string, timeout = 120_000): Promise<{ stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  // The npm running `npm test` exports its own settings; the user's npm would not see them.
  for (const k of Object.keys(env)) if (k.startsWith('npm_')) delete env[k];
  delete env['SPELLBOOK_DB'];
  delete env['SPELLBOOK_METADATA'];
  return run(cmd, args, { cwd, env, timeout, maxBuffer: 32 * 1024 * 1024 });
}

/** The first ```ts block of the README's "## Library" section. */
export function readmeLibraryExample(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Library'));
  const m = /```ts\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error('README has no ```ts block under ## Library');
  return m[1]!;
}

interface PackedFile {
  path: string;
}

// The slowest test (the compile): SPELLBOOK_SKIP_PACK=1 skips it locally, never in CI.
const skip = process.env['SPELLBOOK_SKIP_PACK'] === '1' && process.env['CI'] !== 'true';

describe.skipIf(skip)('npm pack', () => {
  let files: string[] = [];
  let app = '';

  beforeAll(async () => {
    const out = tempDir('spellbook-pack-');
    const packed = await sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', out], ROOT);
    const [info] = JSON.parse(packed.stdout) as [{ filename: string; files: PackedFile[] }];
    files = info.files.map((f) => f.path);

    app = join(out, 'app');
    mkdirSync(join(app, 'examples'), { recursive: true });
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    await sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(out, info.filename)], app, INSTALL_TIMEOUT_MS);
    await sh(process.execPath, [join(ROOT, 'scripts', 'make-example-db.js'), join(app, 'examples', 'shop.db')], ROOT);
    cpSync(join(ROOT, 'metadata.example.yml'), join(app, 'metadata.example.yml'));
  }, INSTALL_TIMEOUT_MS + 60_000);

  it('holds only what a user needs', () => {
    for (const needed of ['package.json', 'README.md', 'bin/run.js', 'dist/index.js', 'dist/index.d.ts', 'dist/commands/export.js', 'metadata.schema.json', 'oclif.manifest.json']) {
      expect(files).toContain(needed);
    }
    const unwanted = files.filter((f) => /^(src|test|bench|examples|scripts|docs|\.ci)\//.test(f) || /\.(map|db|tsbuildinfo)$/.test(f));
    expect(unwanted).toEqual([]);
  });

  it('runs npx spellbook --help, get meta, export and join', async () => {
    const help = await sh('npx', ['--no-install', 'spellbook', '--help'], app);
    expect(help.stdout).toMatch(/export\s+Export the latest feature values/);
    expect(help.stdout).toMatch(/autocomplete/);

    const meta = await sh('npx', ['--no-install', 'spellbook', 'get', 'meta', 'feature', '-m', 'metadata.example.yml', '--output-format', 'csv'], app);
    expect(meta.stdout).toMatch(/^account\.balance,account,user,float,/m);

    const exported = await sh('npx', ['--no-install', 'spellbook', 'export', '-m', 'metadata.example.yml', '--feature', 'account.balance', '--snapshot-date', '2024-03-01', '--limit', '2'], app);
    expect(exported.stdout).toBe('user_id,balance\n1,698.27\n2,1957.06\n');

    await sh('npx', ['--no-install', 'spellbook', 'join', '-m', 'metadata.example.yml', '-i', 'examples/labels.csv', '--feature', 'account.balance', '-o', 'train.parquet'], app);
    const train = await readParquet(join(app, 'train.parquet'));
    expect(train.columns).toEqual(['transaction_id', 'user_id', 'merchant_id', 'event_timestamp', 'is_fraud', 'balance']);
    expect(train.rows.length).toBe(readFileSync(join(app, 'examples', 'labels.csv'), 'utf8').trim().split('\n').length - 1);
  });

  it("the README's library example compiles against the installed types and runs", async () => {
    writeFileSync(join(app, 'example.ts'), readmeLibraryExample());
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, types: [] }, files: ['example.ts'] }),
    );
    await sh(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], app).catch((err: { stdout?: string }) => {
      throw new Error(`tsc failed:\n${err.stdout ?? String(err)}`);
    });
    const out = await sh(process.execPath, ['example.js'], app);
    expect(out.stdout).toMatch(/^1 698\.27$/m);
    expect(out.stdout).toMatch(/^500 rows: transaction_id, user_id, merchant_id, event_timestamp, is_fraud, balance, credit_limit, status, txn_count_7d$/m);
  });
});

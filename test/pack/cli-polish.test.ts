/**
 * What users expect around the commands: the README's command reference is what
 * `npm run readme` generates now, every command's help has examples, shell completion
 * knows every command and flag, and progress lines carry a bar and an ETA once the
 * total is known.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { progressLine } from '../../src/io/progress.js';
import { ROOT, runCli, runCliProcess, tempDir } from '../support/cli.js';

const run = promisify(execFile);

interface ManifestCommand {
  examples?: unknown[];
  flags: Record<string, { hidden?: boolean }>;
}

function manifest(): Record<string, ManifestCommand> {
  return (JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as { commands: Record<string, ManifestCommand> }).commands;
}

describe('command reference and help', () => {
  it('the README command reference is current (regenerate with npm run readme)', async () => {
    const oclif = join(ROOT, 'node_modules', 'oclif', 'bin', 'run.js');
    const { stdout } = await run(process.execPath, [oclif, 'readme', '--no-aliases', '--no-source-links', '--readme-path', 'README.md', '--dry-run'], {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, NO_COLOR: '1', OCLIF_SKIP_UPDATE_CHECK: '1' },
    });
    // The dry run prints a log line naming the marker before the README itself.
    const section = (text: string) => text.slice(text.indexOf('<!-- commands -->\n'), text.indexOf('<!-- commandsstop -->'));
    const generated = section(stdout);
    expect(generated.length).toBeGreaterThan(100);
    expect(section(readFileSync(join(ROOT, 'README.md'), 'utf8'))).toBe(generated);
  });

  it('every command shows examples in --help', async () => {
    const commands = manifest();
    expect(Object.keys(commands).sort()).toEqual(['export', 'get:meta', 'import', 'init', 'join', 'validate']);
    for (const [id, command] of Object.entries(commands)) expect([id, (command.examples ?? []).length > 0]).toEqual([id, true]);
    const help = await runCli(['join', '--help']);
    expect(help.stdout).toMatch(/EXAMPLES\n/);
    expect(help.stdout).toMatch(/--output train\.parquet/);
  });
});

describe('shell completion', () => {
  it('the autocomplete plugin completes every command and its flags, for bash and zsh', async () => {
    const cache = tempDir('spellbook-ac-');
    // Child processes: oclif reads XDG_CACHE_HOME when it loads its config, which runCli does once.
    const r = await runCliProcess(['autocomplete', '--refresh-cache'], { env: { XDG_CACHE_HOME: cache } });
    expect(r.code).toBe(0);
    const bash = readFileSync(join(cache, 'spellbook', 'autocomplete', 'functions', 'bash', 'spellbook.bash'), 'utf8');
    const zsh = readFileSync(join(cache, 'spellbook', 'autocomplete', 'functions', 'zsh', '_spellbook'), 'utf8');
    for (const [id, command] of Object.entries(manifest())) {
      const flags = Object.entries(command.flags).filter(([, f]) => !f.hidden).map(([name]) => `--${name}`);
      const line = bash.split('\n').find((l) => l.startsWith(`${id} `));
      expect(line, `bash completion for ${id}`).toBeDefined();
      expect(line!.split(' ').slice(1).sort()).toEqual(flags.sort());
    }
    expect(zsh).toMatch(/\{-t,--snapshot-date\}"\[The instant to export as of/);
    expect(zsh).toMatch(/--format"\[[^\]]*\]:format options:\(csv jsonl parquet\)"/);
    // What the setup instructions tell a user to append to ~/.bashrc: it sources the cache above.
    const script = await runCliProcess(['autocomplete', 'script', 'bash'], { env: { XDG_CACHE_HOME: cache } });
    expect(script.stdout).toContain(join(cache, 'spellbook', 'autocomplete', 'bash_setup'));
  });
});

describe('progress line', () => {
  it('rows and rate without a total; a bar, percentage and ETA with one', () => {
    expect(progressLine('export', 12_345, 2)).toBe('export: 12,345 rows, 6,173 rows/s');
    expect(progressLine('join: writing', 250_000, 5, 1_000_000)).toBe('join: writing [#####---------------] 25% 250,000 rows, 50,000 rows/s, ETA 15s');
    expect(progressLine('import: writing', 100_000, 10, 1_000_000)).toMatch(/\] 10% .* ETA 1m30s$/);
    expect(progressLine('join: writing', 0, 0.1, 10)).toMatch(/\[-{20}\] 0% 0 rows, 0 rows\/s, ETA \?$/);
  });
});

/**
 * `npm run build` (and so `npm run demo`, `npm test`) calls the oclif build tool, whose
 * init hook prints "oclif update available" whenever its cached registry answer is newer
 * than the installed version: noise for anyone who did not ask about oclif. The scripts
 * set OCLIF_SKIP_NEW_VERSION_CHECK=true (the oclif plugin's documented switch) so the
 * warning never shows and no background version check is spawned.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../support/cli.js';

const run = promisify(execFile);
const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

/** Every `oclif …` step of the npm scripts, with whatever environment assignments precede it. */
function oclifSteps(): { script: string; step: string }[] {
  return Object.entries(scripts).flatMap(([script, text]) =>
    text
      .split('&&')
      .map((s) => s.trim())
      .filter((s) => /(^|\s)oclif\s/.test(s))
      .map((step) => ({ script, step })),
  );
}

describe('build noise', () => {
  it('every npm script step that runs the oclif tool turns its update check off', () => {
    const steps = oclifSteps();
    expect(steps.map((s) => s.script).sort()).toEqual(['build', 'readme']);
    for (const { step } of steps) expect(step).toMatch(/^OCLIF_SKIP_NEW_VERSION_CHECK=true oclif /);
  });

  it('with that environment, oclif prints no update warning even when its cache knows a newer version', async () => {
    // A cache that says a newer oclif exists: without the switch this prints the warning.
    const cache = tempDir('spellbook-oclif-cache-');
    mkdirSync(join(cache, 'oclif'));
    writeFileSync(join(cache, 'oclif', 'version'), JSON.stringify({ latest: '999.0.0' }));
    const oclif = join(ROOT, 'node_modules', 'oclif', 'bin', 'run.js');
    const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: cache, NO_COLOR: '1' };
    delete env['OCLIF_SKIP_NEW_VERSION_CHECK'];
    const noisy = await run(process.execPath, [oclif, '--version'], { cwd: ROOT, env });
    expect(noisy.stderr).toContain('oclif update available from');
    const assignment = oclifSteps()[0]!.step.match(/^(\w+)=(\S+) /)!;
    const quiet = await run(process.execPath, [oclif, '--version'], { cwd: ROOT, env: { ...env, [assignment[1]!]: assignment[2]! } });
    expect(quiet.stderr).toBe('');
  });
});

/**
 * Secrets never reach the terminal: a password given in a --db URL, SPELLBOOK_DB, a
 * `connection:` URL, a `connection:` mapping or through ${NAME} from the environment is
 * absent from every byte of stdout and stderr of get meta, --dry-run, successful runs,
 * failures and --debug stacks, raw or URL-encoded. Most runs are in-process; the failures
 * with --debug stacks also run as a child process, whose every byte is what a terminal gets.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { expect, it } from 'vitest';
import { ALL_ENGINES, describeEngines, TRINO_READER, TRINO_SERVER, type EngineContext } from '../support/engines.js';
import { runCli, runCliProcess, tempDir, writeFile, writeMetadata, type CliResult } from '../support/cli.js';
import { trinoGateway } from '../support/trino-gateway.js';
import { accounts, LABELS, metadataFor, selectOnlyUser, type ReadOnlyUser } from './helpers.js';

function withPassword(url: string, password: string): string {
  const u = new URL(url);
  u.password = encodeURIComponent(password);
  return u.toString();
}

/** Where the test's logins go: the server itself, or on Trino the password-checking gateway in front of it. */
let trinoServer = TRINO_SERVER;

/** The metadata `connection:` mapping for the test's place, logging in as `user`. */
function mapping(ctx: EngineContext, user: string, password: string): Record<string, unknown> {
  const inner = ctx.connection['connection'] as Record<string, unknown>;
  if (ctx.engine === 'trino') return { client: 'trino', connection: { ...inner, server: trinoServer, user, password } };
  return { client: ctx.engine === 'postgres' ? 'pg' : 'mysql2', connection: { ...inner, user, password } };
}

/**
 * A SELECT-only login with a password: a database user, or on Trino the cluster's
 * SELECT-only user behind a gateway that checks a password (test/support/trino-gateway.ts).
 */
async function loginWithPassword(ctx: EngineContext): Promise<ReadOnlyUser> {
  if (ctx.engine !== 'trino') return selectOnlyUser(ctx);
  const password = `pw_${randomBytes(8).toString('hex')}`;
  const gateway = await trinoGateway(TRINO_SERVER, TRINO_READER, password);
  trinoServer = gateway.server;
  const url = new URL(ctx.url);
  url.host = new URL(gateway.server).host;
  url.password = password;
  return { url: url.toString(), password, drop: () => gateway.close() };
}

describeEngines(
  'secrets',
  (ctx) => {
    it('no password in any output', async () => {
      await accounts(ctx());
      const user = await loginWithPassword(ctx());
      const outputs: CliResult[] = [];
      try {
        const name = decodeURIComponent(new URL(user.url).username);
        const wrong = `${user.password}-wrong`;
        const dir = tempDir();
        const labels = writeFile(dir, 'labels.csv', LABELS);
        const viaUrl = writeMetadata(dir, metadataFor(user.url), 'url.yml');
        const viaMapping = writeMetadata(dir, metadataFor(mapping(ctx(), name, user.password)), 'mapping.yml');
        const viaEnv = writeMetadata(dir, metadataFor(mapping(ctx(), name, '${DB_PASSWORD}')), 'env.yml');
        const wrongEnv = { DB_PASSWORD: wrong };
        const run = async (args: string[], env: Record<string, string> = { DB_PASSWORD: user.password }, spawned = false) => {
          const r = await (spawned ? runCliProcess : runCli)(args, { env });
          outputs.push(r);
          return r;
        };
        const feature = ['-f', 'account.*'];
        for (const md of [viaUrl, viaMapping, viaEnv]) {
          for (const format of ['table', 'json', 'yaml', 'csv']) await run(['get', 'meta', 'all', '-m', md, '--output-format', format]);
          await run(['export', '-m', md, ...feature, '--dry-run']);
          await run(['join', '-m', md, ...feature, '--input-file', labels, '--dry-run', '--strategy', 'database']);
          expect((await run(['export', '-m', md, ...feature, '--debug'])).code).toBe(0);
          expect((await run(['validate', '-m', md, '--debug', '--json'])).code).toBe(0);
          // A runtime failure with its stack: a feature table that is not there.
          const { connection } = parse(readFileSync(md, 'utf8')) as { connection: unknown };
          const missing = writeMetadata(dir, metadataFor(connection, { table: 'nowhere' }), 'missing.yml');
          expect((await run(['export', '-m', missing, ...feature, '--debug'])).code).toBe(1);
          expect((await run(['export', '-m', missing, ...feature, '--debug'], undefined, true)).code).toBe(1);
        }
        // The same through --db and SPELLBOOK_DB, right and wrong.
        const bare = writeMetadata(dir, metadataFor(undefined), 'bare.yml');
        await run(['export', '-m', bare, '--db', user.url, ...feature, '--dry-run', '--debug']);
        await run(['export', '-m', bare, '--db', withPassword(user.url, user.password), ...feature, '--debug']);
        // (Until the runner kept it, SPELLBOOK_DB never reached the CLI and this run failed with "no database".)
        expect((await run(['export', '-m', bare, ...feature, '--debug'], { SPELLBOOK_DB: user.url })).code).toBe(0);
        await run(['export', '-m', bare, '--db', withPassword(user.url, wrong), ...feature, '--debug'], undefined, true);
        await run(['export', '-m', viaEnv, ...feature, '--debug'], wrongEnv);
        await run(['join', '-m', viaMapping, '--db', withPassword(user.url, wrong).replace(/:\d+\//, ':1/'), ...feature, '--input-file', join(dir, 'labels.csv'), '--debug']);
        if (ctx().engine === 'mysql') {
          // PostgreSQL here trusts every password; MariaDB checks it, so the wrong one is refused.
          expect(outputs.at(-2)!.stderr).toMatch(/^Error: database error: Access denied for user/);
        }
        if (ctx().engine === 'trino') {
          // The gateway checks it like a production cluster's password authenticator.
          expect(outputs.at(-2)!.stderr).toMatch(/^Error: database error: .*401/);
        }
      } finally {
        await user.drop();
      }
      const all = outputs.map((o) => o.stdout + o.stderr).join('\n');
      expect(outputs.length).toBeGreaterThan(30);
      for (const secret of [user.password, encodeURIComponent(user.password)]) expect(all).not.toContain(secret);
    }, 120_000);
  },
  { engines: ALL_ENGINES.filter((e) => e !== 'sqlite') },
);

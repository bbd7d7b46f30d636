/**
 * A control statement (START TRANSACTION, ROLLBACK) run through Trino's HTTP protocol
 * directly, because its answer is in the response headers (the id of the transaction
 * started), which `trino-client` does not hand back. Same server, user, password and TLS
 * options as the client's queries.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TrinoConnectionConfig } from './trino-driver.js';

interface Reply {
  readonly headers: IncomingHttpHeaders;
  readonly body: { nextUri?: string; error?: { message: string; errorName: string } };
}

function call(config: TrinoConnectionConfig, method: 'POST' | 'GET', url: string, headers: Record<string, string>, body?: string): Promise<Reply> {
  const target = new URL(url, config.server);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const auth = config.password === undefined ? {} : { authorization: `Basic ${Buffer.from(`${config.user}:${config.password}`).toString('base64')}` };
  return new Promise((resolve, reject) => {
    const req = send(target, { method, headers: { 'x-trino-user': config.user, 'x-trino-source': 'spellbook', ...auth, ...headers }, ...(config.ssl ?? {}) }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        try {
          resolve({ headers: res.headers, body: JSON.parse(text) as Reply['body'] });
        } catch {
          reject(new Error(`Trino answered ${res.statusCode ?? '?'} with no query result`));
        }
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs `sql` to its end; returns the x-trino-* response headers seen on the way. */
export async function runControl(config: TrinoConnectionConfig, sql: string, headers: Record<string, string>): Promise<Record<string, string>> {
  const seen: Record<string, string> = {};
  let reply = await call(config, 'POST', '/v1/statement', headers, sql);
  for (;;) {
    for (const [k, v] of Object.entries(reply.headers)) if (k.startsWith('x-trino-') && typeof v === 'string') seen[k] = v;
    if (reply.body.error) throw Object.assign(new Error(reply.body.error.message), { errorName: reply.body.error.errorName });
    if (!reply.body.nextUri) return seen;
    reply = await call(config, 'GET', reply.body.nextUri, {});
  }
}

/**
 * `--connect-timeout` on Trino: the coordinator must answer `GET /v1/info` (public on
 * every cluster, so no credentials travel) within the limit, TCP, TLS and the HTTP
 * response all included. trino-client sets no timeout of its own, so without this a
 * black-holed address or a hung coordinator would keep a run waiting for the operating
 * system. Any HTTP answer counts: it shows the server is there.
 */
export function reachCoordinator(config: TrinoConnectionConfig, timeoutMs: number): Promise<void> {
  const target = new URL('/v1/info', config.server);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(target, { method: 'GET', ...(config.ssl ?? {}) }, (res) => {
      clearTimeout(timer);
      res.resume();
      resolve();
    });
    const timer = setTimeout(() => {
      const err = Object.assign(new Error(`the Trino coordinator at ${config.server} did not answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' });
      req.destroy(err);
    }, timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end();
  });
}

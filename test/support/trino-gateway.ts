/**
 * A password-checking gateway in front of the test cluster, for the tests that need a
 * Trino login with a password. The test cluster has no password authenticator (Trino
 * allows passwords over TLS only, and refuses one over plain HTTP), so this gateway plays
 * the part of a production cluster's: it answers 401 to a wrong or missing password,
 * forwards the rest to the coordinator without the Authorization header, and rewrites the
 * coordinator's address in each answer (nextUri, infoUri) to its own, so every later
 * request of the query comes back through it. `/v1/info` is public, as on Trino.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

export interface TrinoGateway {
  /** `http://127.0.0.1:PORT` */
  readonly server: string;
  close(): Promise<void>;
}

export async function trinoGateway(coordinator: string, user: string, password: string): Promise<TrinoGateway> {
  const expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const upstream = new URL(coordinator);
  let self = '';
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url !== '/v1/info' && req.headers.authorization !== expected) {
      res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Basic realm="Trino"' });
      res.end('Unauthorized');
      return;
    }
    const headers = { ...req.headers, host: upstream.host };
    delete headers.authorization;
    // Plain bodies, so the addresses in them can be rewritten.
    delete headers['accept-encoding'];
    const forward = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8').replaceAll(upstream.origin, self);
        const out = { ...answer.headers, 'content-length': String(Buffer.byteLength(body)) };
        delete out['transfer-encoding'];
        res.writeHead(answer.statusCode ?? 502, out);
        res.end(body);
      });
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  self = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    server: self,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

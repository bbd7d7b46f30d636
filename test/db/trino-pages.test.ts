/**
 * The Trino driver asks for a result's next page before its caller works on the current
 * one (trino-driver.ts, pages), so the coordinator encodes that page while the caller
 * writes this one. A fake coordinator serves a result in pages; the caller works on each
 * page synchronously, as the join's writer does; the request for the next page must have
 * gone out (Node's `http.client.request.start` diagnostics channel) before that work
 * began. Without a real cluster: this is the driver's own scheduling.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { once } from 'node:events';
import { createServer, type ClientRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrinoDriver } from '../../src/db/trino/trino-driver.js';

const PAGES = 4;
const coordinator = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const server = createServer((req, res) => {
  const base = coordinator();
  const page = (k: number) => ({
    id: 'q1',
    columns: [{ name: 'n', type: 'integer' }],
    data: [[k]],
    ...(k < PAGES ? { nextUri: `${base}/v1/statement/executing/q1/s/${k + 1}` } : {}),
    stats: { state: k < PAGES ? 'RUNNING' : 'FINISHED' },
  });
  res.setHeader('content-type', 'application/json');
  if (req.url === '/v1/info') res.end('{}');
  else if (req.method === 'POST') res.end(JSON.stringify({ id: 'q1', nextUri: `${base}/v1/statement/executing/q1/s/1`, stats: { state: 'QUEUED' } }));
  else res.end(JSON.stringify(page(Number(/\/(\d+)$/.exec(req.url ?? '')![1]))));
});

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('Trino driver pages', () => {
  it('asks for the next page before the caller works on the current one', async () => {
    const events: string[] = [];
    const onRequest = (message: unknown) => {
      const path = (message as { request: ClientRequest }).request.path;
      const k = /executing\/q1\/s\/(\d+)$/.exec(path)?.[1];
      if (k !== undefined) events.push(`request ${k}`);
    };
    subscribe('http.client.request.start', onRequest);
    const driver = new TrinoDriver({ server: coordinator(), user: 'reader' }, [], {}, false, 5000);
    try {
      for await (const rows of driver.arrayBatches({ sql: 'SELECT n FROM t', parameters: [] })) {
        events.push(`work ${String(rows[0]![0])}`);
        // Synchronous work on the page, as writing it is: nothing else runs meanwhile.
        const until = Date.now() + 30;
        while (Date.now() < until);
      }
    } finally {
      unsubscribe('http.client.request.start', onRequest);
      await driver.close();
    }
    expect(events).toEqual(['request 1', 'request 2', 'work 1', 'request 3', 'work 2', 'request 4', 'work 3', 'work 4']);
  });
});

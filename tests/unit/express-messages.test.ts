import express, { type Express } from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expressMessageClasses } from '../../src/express-messages.js';

interface Seen {
  requestProto: boolean;
  responseProto: boolean;
}

/** Serves `app` on 127.0.0.1 with the given server options; records each request's prototypes on arrival. */
async function serve(app: Express, options: http.ServerOptions): Promise<{ url: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const server = http.createServer(options, (req, res) => {
    seen.push({ requestProto: Object.getPrototypeOf(req) === app.request, responseProto: Object.getPrototypeOf(res) === app.response });
    app(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function demoApp(): Express {
  const app = express();
  app.get('/echo/:name', (req, res) => {
    res.status(201).set('x-seen-host', req.get('host') ?? '').json({ name: req.params.name, isIncoming: req instanceof http.IncomingMessage });
  });
  return app;
}

describe('expressMessageClasses', () => {
  it("builds requests and responses with the app's own prototypes, and Express works on them as usual", async () => {
    const app = demoApp();
    const classes = expressMessageClasses(app);
    expect(classes).toBeDefined();
    const s = await serve(app, { ...classes });
    try {
      const agent = new http.Agent({ keepAlive: true });
      for (const name of ['a', 'b']) {
        const res = await fetchVia(agent, `${s.url}/echo/${name}`);
        expect(res.status).toBe(201);
        expect(res.headers['x-seen-host']).toBe(new URL(s.url).host);
        expect(JSON.parse(res.body)).toEqual({ name, isIncoming: true });
      }
      agent.destroy();
      expect(s.seen).toEqual([
        { requestProto: true, responseProto: true },
        { requestProto: true, responseProto: true },
      ]);
    } finally {
      await s.close();
    }
  });

  it("leaves Node's defaults alone when not used (so the test above can tell the difference)", async () => {
    const app = demoApp();
    const s = await serve(app, {});
    try {
      const res = await fetchVia(undefined, `${s.url}/echo/x`);
      expect(res.status).toBe(201);
      expect(s.seen).toEqual([{ requestProto: false, responseProto: false }]);
    } finally {
      await s.close();
    }
  });

  it('gives each app its own classes', () => {
    const one = demoApp();
    const two = demoApp();
    expect(expressMessageClasses(one)?.IncomingMessage.prototype).toBe(one.request);
    expect(expressMessageClasses(two)?.ServerResponse.prototype).toBe(two.response);
    expect(one.request).not.toBe(two.request);
  });
});

function fetchVia(agent: http.Agent | undefined, url: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

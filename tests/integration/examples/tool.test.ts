import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { generateServingTls } from '../../../emulator/tls.js';
import { startTool, type Tool } from '../../../examples/tool/server.js';

const TOKEN = 'tool-test-token-not-real';
const BEARER = { Authorization: `Bearer ${TOKEN}` };
const UNAUTHORIZED = '{"message":"401 Unauthorized"}';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: () => unknown;
}

/** One request with the request-target sent byte for byte (no URL normalisation, so %2F stays as written). */
function call(
  base: string,
  target: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string; ca?: string; agent?: http.Agent } = {},
): Promise<Answer> {
  const url = new URL(base);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      {
        host: url.hostname,
        port: url.port,
        method: opts.method ?? 'GET',
        path: target,
        headers: opts.headers ?? BEARER,
        ca: opts.ca,
        agent: opts.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) as unknown });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('example tool (GitLab-like)', () => {
  let tool: Tool;
  const get = (target: string, headers: Record<string, string> = BEARER) => call(tool.url, target, { headers });

  beforeAll(async () => {
    tool = await startTool({ token: TOKEN });
  });
  afterAll(async () => {
    await tool?.stop();
  });

  it('listens on http://127.0.0.1 and refuses an empty token at start', async () => {
    expect(tool.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await expect(startTool({ token: '' })).rejects.toThrow(/token/);
  });

  describe('its own credentials', () => {
    it.each([
      ['Authorization: Bearer', { Authorization: `Bearer ${TOKEN}` }],
      ['Authorization: bearer (scheme is case-insensitive)', { Authorization: `bearer ${TOKEN}` }],
      ['PRIVATE-TOKEN', { 'PRIVATE-TOKEN': TOKEN }],
    ])('accepts %s', async (_name, headers) => {
      const res = await get('/stats', headers);
      expect(res.status).toBe(200);
      expect(res.json()).toEqual({ served_by: 'tool' });
    });

    it.each([
      ['no credentials', {}],
      ['a wrong bearer token', { Authorization: 'Bearer wrong' }],
      ['a bearer token with a suffix', { Authorization: `Bearer ${TOKEN}x` }],
      ['a token prefix', { Authorization: `Bearer ${TOKEN.slice(0, -1)}` }],
      ['the token as Basic', { Authorization: `Basic ${Buffer.from(`user:${TOKEN}`).toString('base64')}` }],
      ['the token without a scheme', { Authorization: TOKEN }],
      ['a wrong PRIVATE-TOKEN', { 'PRIVATE-TOKEN': 'wrong' }],
      ['an empty PRIVATE-TOKEN', { 'PRIVATE-TOKEN': '' }],
    ])('answers 401 with GitLab’s own body (not a Status) for %s', async (_name, headers) => {
      for (const target of ['/api/v4/projects', '/stats', '/nope']) {
        const res = await get(target, headers);
        expect(res.status).toBe(401);
        expect(res.headers['content-type']).toBe('application/json');
        expect(res.text).toBe(UNAUTHORIZED);
      }
    });

    it('answers 401 to a write without credentials too, and never echoes its body', async () => {
      const res = await call(tool.url, '/api/v4/projects/1/issues', { method: 'POST', headers: {}, body: 'secret-body' });
      expect(res.status).toBe(401);
      expect(res.text).toBe(UNAUTHORIZED);
    });
  });

  describe('routes', () => {
    it('GET /api/v4/projects: a bare array of 3 projects with GitLab paging headers', async () => {
      const res = await get('/api/v4/projects');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.json()).toEqual([
        { id: 1, path_with_namespace: 'devops/demo' },
        { id: 2, path_with_namespace: 'devops/tools' },
        { id: 3, path_with_namespace: 'team-a/website' },
      ]);
      expect(res.headers).toMatchObject({ 'x-total': '3', 'x-page': '1', 'x-per-page': '20', 'x-total-pages': '1' });
    });

    it.each([
      ['per_page=2', [1, 2], '1', '2'],
      ['per_page=2&page=2', [3], '2', ''],
      ['per_page=1&page=3', [3], '3', ''],
      ['per_page=2&page=5', [], '5', ''],
      ['page=1&simple=true', [1, 2, 3], '1', ''],
    ])('GET /api/v4/projects?%s honours per_page/page', async (query, ids, page, next) => {
      const res = await get(`/api/v4/projects?${query}`);
      expect(res.status).toBe(200);
      expect((res.json() as Array<{ id: number }>).map((p) => p.id)).toEqual(ids);
      expect(res.headers['x-total']).toBe('3');
      expect(res.headers['x-page']).toBe(page);
      expect(res.headers['x-next-page']).toBe(next);
    });

    it.each(['page=abc', 'per_page=-1', 'per_page=1.5'])('GET /api/v4/projects?%s is 400 like GitLab', async (query) => {
      const res = await get(`/api/v4/projects?${query}`);
      expect(res.status).toBe(400);
      expect(res.json()).toHaveProperty('error');
    });

    it.each(['devops%2Fdemo', '1'])('GET /api/v4/projects/%s/repository/branches: an array', async (id) => {
      const res = await get(`/api/v4/projects/${id}/repository/branches`);
      expect(res.status).toBe(200);
      const body = res.json() as Array<{ name: string; default: boolean }>;
      expect(Array.isArray(body)).toBe(true);
      expect(body.map((b) => b.name)).toEqual(['main', 'develop', 'feature/login']);
      expect(body[0]?.default).toBe(true);
      expect(tool.requests.at(-1)?.url).toBe(`/api/v4/projects/${id}/repository/branches`); // recorded raw
    });

    it('GET /api/v4/projects/{id}/issues: an array naming the raw project id', async () => {
      const res = await get('/api/v4/projects/devops%2Fdemo/issues');
      expect(res.status).toBe(200);
      const body = res.json() as Array<{ iid: number; project: string }>;
      expect(body.length).toBeGreaterThan(0);
      for (const issue of body) expect(issue.project).toBe('devops%2Fdemo');
    });

    it('POST /api/v4/projects/{id}/issues: 201 with the request body echoed in the created issue', async () => {
      const text = 'hello from a connector — ünïcödé';
      const first = await call(tool.url, '/api/v4/projects/devops%2Fdemo/issues', { method: 'POST', headers: BEARER, body: text });
      expect(first.status).toBe(201);
      expect(first.headers['content-type']).toBe('application/json');
      const created = first.json() as { id: number; project: string; body: string };
      expect(created).toEqual({ id: expect.any(Number), project: 'devops%2Fdemo', body: text });
      const big = 'x'.repeat(200_000); // several chunks
      const second = await call(tool.url, '/api/v4/projects/7/issues', { method: 'POST', headers: { ...BEARER, 'Content-Type': 'text/plain' }, body: big });
      expect(second.status).toBe(201);
      expect(second.json()).toEqual({ id: created.id + 1, project: '7', body: big });
      const empty = await call(tool.url, '/api/v4/projects/7/issues', { method: 'POST', headers: BEARER });
      expect(empty.json()).toMatchObject({ project: '7', body: '' });
    });

    it('refuses a POST body above 1 MiB with 413', async () => {
      const res = await call(tool.url, '/api/v4/projects/1/issues', { method: 'POST', headers: BEARER, body: 'x'.repeat(1024 * 1024 + 1) });
      expect(res.status).toBe(413);
    });

    it.each(['PUT', 'PATCH'])('%s /api/v4/projects/{id}/issues/{iid}: 200 with the update', async (method) => {
      const res = await call(tool.url, '/api/v4/projects/devops%2Fdemo/issues/3', { method, headers: BEARER, body: '{"title":"t"}' });
      expect(res.status).toBe(200);
      expect(res.json()).toEqual({ iid: 3, project: 'devops%2Fdemo', body: '{"title":"t"}' });
    });

    it.each(['PUT', 'PATCH', 'DELETE'])('%s on a non-numeric iid is GitLab’s 404', async (method) => {
      const res = await call(tool.url, '/api/v4/projects/1/issues/abc', { method, headers: BEARER });
      expect(res.status).toBe(404);
      expect(res.text).toBe('{"message":"404 Issue Not Found"}');
    });

    it('DELETE /api/v4/projects/{id}/issues/{iid}: 204 without a body', async () => {
      const res = await call(tool.url, '/api/v4/projects/devops%2Fdemo/issues/3', { method: 'DELETE', headers: BEARER });
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
    });

    it('GET /stats', async () => {
      expect((await get('/stats')).json()).toEqual({ served_by: 'tool' });
    });

    it.each([
      '/',
      '/api/v4',
      '/api/v4/projects/',
      '/api/v4/projects//repository/branches',
      '/api/v4/projects/devops/demo/repository/branches', // a decoded %2F is two segments: no such route
      '/api/v4/projects/1/issues/1/notes',
      '/API/v4/projects',
      '/stats/',
    ])('answers 404 {"message":"404 Not Found"} (or GitLab’s own 404) for %s', async (target) => {
      const res = await get(target);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toBe('application/json');
      expect((res.json() as { message: string }).message).toMatch(/^404 /);
    });

    it('answers unknown paths exactly with {"message":"404 Not Found"}', async () => {
      expect((await get('/api/v4/users')).text).toBe('{"message":"404 Not Found"}');
    });

    it('answers 405 with Allow for a method a route lacks', async () => {
      const res = await call(tool.url, '/api/v4/projects', { method: 'POST', headers: BEARER, body: 'x' });
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
      const issues = await call(tool.url, '/api/v4/projects/1/issues', { method: 'DELETE', headers: BEARER });
      expect(issues.status).toBe(405);
      expect(issues.headers.allow).toBe('GET, HEAD, POST, OPTIONS');
    });

    it('answers HEAD like GET without a body', async () => {
      const got = await get('/api/v4/projects?per_page=2');
      const head = await call(tool.url, '/api/v4/projects?per_page=2', { method: 'HEAD', headers: BEARER });
      expect(head.status).toBe(200);
      expect(head.text).toBe('');
      expect(head.headers['content-length']).toBe(String(Buffer.byteLength(got.text)));
      expect(head.headers['x-total']).toBe('3');
      expect((await call(tool.url, '/stats', { method: 'HEAD', headers: {} })).status).toBe(401);
    });

    it('answers OPTIONS with 204 and Allow', async () => {
      const res = await call(tool.url, '/api/v4/projects/1/issues/2', { method: 'OPTIONS', headers: BEARER });
      expect(res.status).toBe(204);
      expect(res.headers.allow).toBe('PUT, PATCH, DELETE, OPTIONS');
    });
  });

  it('records every request: method, raw url and headers, refused ones included', async () => {
    const before = tool.requests.length;
    await call(tool.url, '/api/v4/projects/a%2Fb/issues?state=opened&x=%41', { headers: { 'PRIVATE-TOKEN': TOKEN, 'X-Extra': 'yes' } });
    await call(tool.url, '/stats', { method: 'POST', headers: {} });
    expect(tool.requests.slice(before)).toEqual([
      {
        method: 'GET',
        url: '/api/v4/projects/a%2Fb/issues?state=opened&x=%41',
        headers: expect.objectContaining({ 'private-token': TOKEN, 'x-extra': 'yes' }),
      },
      { method: 'POST', url: '/stats', headers: expect.not.objectContaining({ authorization: expect.anything() }) },
    ]);
  });
});

describe('example tool over HTTPS', () => {
  let tool: Tool;
  let caPem: string;

  beforeAll(async () => {
    const tls = await generateServingTls();
    caPem = tls.caPem;
    tool = await startTool({ token: TOKEN, tls: { cert: tls.certPem, key: tls.keyPem } });
  });
  afterAll(async () => {
    await tool?.stop();
  });

  it('serves https://127.0.0.1 to a client that trusts the CA', async () => {
    expect(tool.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const res = await call(tool.url, '/api/v4/projects/devops%2Fdemo/repository/branches', { ca: caPem });
    expect(res.status).toBe(200);
    expect(Array.isArray(res.json())).toBe(true);
    const denied = await call(tool.url, '/stats', { ca: caPem, headers: { Authorization: 'Bearer wrong' } });
    expect(denied.status).toBe(401);
    expect(denied.text).toBe(UNAUTHORIZED);
    const posted = await call(tool.url, '/api/v4/projects/1/issues', { method: 'POST', ca: caPem, headers: BEARER, body: 'over tls' });
    expect(posted.status).toBe(201);
    expect(posted.json()).toMatchObject({ project: '1', body: 'over tls' });
  });

  it('is refused by a client that does not trust the CA', async () => {
    await expect(call(tool.url, '/stats')).rejects.toThrow(/self.signed|unable to verify|certificate/i);
  });

  it('does not speak plain HTTP on the TLS port', async () => {
    const plain = tool.url.replace(/^https:/, 'http:');
    await expect(call(plain, '/stats')).rejects.toThrow();
  });
});

describe('stop()', () => {
  const waitClose = (socket: net.Socket) =>
    new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));

  it.each([
    ['http', false],
    ['https', true],
  ])('closes idle keep-alive and in-flight sockets and the port (%s)', async (_name, secure) => {
    const tls = secure ? await generateServingTls() : undefined;
    const tool = await startTool({ token: TOKEN, tls: tls ? { cert: tls.certPem, key: tls.keyPem } : undefined });
    const agent = secure ? new https.Agent({ keepAlive: true, ca: tls?.caPem }) : new http.Agent({ keepAlive: true });
    try {
      expect((await call(tool.url, '/stats', { agent, ca: tls?.caPem })).status).toBe(200);
      const idle = Object.values(agent.freeSockets).flat();
      expect(idle).toHaveLength(1); // the keep-alive socket the server would otherwise hold open

      // a second client with a request half sent: headers promise a body that never comes
      const { port } = new URL(tool.url);
      const raw = secure
        ? await new Promise<net.Socket>((resolve, reject) => {
            const s = tlsConnect({ host: '127.0.0.1', port: Number(port), ca: tls?.caPem }, () => resolve(s));
            s.once('error', reject);
          })
        : await new Promise<net.Socket>((resolve, reject) => {
            const s = net.connect(Number(port), '127.0.0.1', () => resolve(s));
            s.once('error', reject);
          });
      raw.on('error', () => undefined);
      raw.write(`POST /api/v4/projects/1/issues HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Length: 100\r\n\r\npart`);
      await new Promise((r) => setTimeout(r, 50));

      await tool.stop(); // resolves only once the server closed: no socket may hold it open
      await Promise.all([...idle.map((s) => waitClose(s as net.Socket)), waitClose(raw)]);
      expect(idle.every((s) => s?.destroyed)).toBe(true);
      expect(raw.destroyed).toBe(true);
      await expect(call(tool.url, '/stats', { ca: tls?.caPem })).rejects.toThrow(/ECONNREFUSED/);
      await tool.stop(); // idempotent
    } finally {
      agent.destroy();
      await tool.stop();
    }
  });
});

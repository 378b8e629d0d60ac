import { startClassApi } from '../../../examples/class-api/server.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const SECRET_VALUES = ['demo', 'demo-password-not-real'];
const SECRET_DATA = { password: b64('demo-password-not-real'), username: b64('demo') }; // as in Secret.data
const GOOD = {
  'X-Plugin-Meta': b64(JSON.stringify({ baseURL: 'https://github.com' })),
  'X-Plugin-Auth': b64('kubernetes.io/basic-auth'),
  'X-Plugin-Secret': b64(JSON.stringify(SECRET_DATA)),
};
const META_ONLY = { 'X-Plugin-Meta': GOOD['X-Plugin-Meta'] };

let api: { url: string; stop(): Promise<void> };
const seen: string[] = []; // every status line, header and body answered, for the secret check at the end

async function call(
  path: string,
  headers: Record<string, string> = GOOD,
  method = 'GET',
): Promise<{ status: number; headers: Headers; text: string; json: () => Record<string, unknown> }> {
  const res = await fetch(`${api.url}${path}`, { method, headers });
  const text = await res.text();
  seen.push(`${res.status} ${JSON.stringify([...res.headers])} ${text}`);
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

function expectStatus(body: Record<string, unknown>, code: number, reason: string, message?: string): void {
  expect(body).toMatchObject({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason, code });
  if (message !== undefined) expect(body.message).toBe(message);
}

beforeAll(async () => {
  api = await startClassApi();
});
afterAll(async () => {
  await api?.stop();
});

describe('example ConnectorClass API', () => {
  it('listens on 127.0.0.1', () => {
    expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  describe('GET /api/gitrefs', () => {
    it('returns the first 10 of 12 refs as a conformant list by default', async () => {
      const res = await call('/api/gitrefs?repositoryUrl=https%3A%2F%2Fgithub.com%2Fa%2Fb');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json');
      const body = res.json() as { listMeta: { totalItems: number }; items: Array<Record<string, unknown>> };
      expect(body.listMeta).toEqual({ totalItems: 12 });
      expect(body.items).toHaveLength(10);
      expect(body.items[0]).toMatchObject({ name: 'refs/heads/main', baseURL: 'https://github.com' });
      expect(body.items[0]).toHaveProperty('authType', 'kubernetes.io/basic-auth');
      expect(typeof body.items[0]?.commitID).toBe('string');
    });

    it.each([
      ['page=2&itemsPerPage=5', 5, 'refs/heads/feature-5'],
      ['page=2', 2, 'refs/tags/v1.2.0'],
      ['page=3&itemsPerPage=5', 2, 'refs/tags/v1.2.0'],
      ['page=4&itemsPerPage=5', 0, undefined],
      ['itemsPerPage=100', 12, 'refs/heads/main'],
    ])('pages with %s (pages start at 1)', async (query, count, firstName) => {
      const body = (await call(`/api/gitrefs?${query}`)).json() as { listMeta: unknown; items: Array<{ name: string }> };
      expect(body.listMeta).toEqual({ totalItems: 12 });
      expect(body.items).toHaveLength(count);
      expect(body.items[0]?.name).toBe(firstName);
    });

    it.each(['page=0', 'page=-1', 'page=abc', 'itemsPerPage=0', 'itemsPerPage=1.5', 'page='])(
      'returns 400 Status for %s',
      async (query) => {
        const res = await call(`/api/gitrefs?${query}`);
        expect(res.status).toBe(400);
        expectStatus(res.json(), 400, 'BadRequest');
      },
    );

    it('reports authType null when only X-Plugin-Meta is sent', async () => {
      const body = (await call('/api/gitrefs', META_ONLY)).json() as { items: Array<{ authType: unknown }> };
      expect(body.items[0]?.authType).toBeNull();
    });
  });

  it('GET /api/branches returns a bare JSON array', async () => {
    const res = await call('/api/branches');
    expect(res.status).toBe(200);
    const body: unknown = JSON.parse(res.text);
    expect(Array.isArray(body)).toBe(true);
    expect(body).toContainEqual({ name: 'main' });
  });

  describe('GET /api/whoami', () => {
    it('shows the decoded meta, auth type and the Secret key names only', async () => {
      const res = await call('/api/whoami');
      expect(res.status).toBe(200);
      expect(res.json()).toEqual({
        baseURL: 'https://github.com',
        authType: 'kubernetes.io/basic-auth',
        secretKeys: ['password', 'username'],
      });
    });

    it('accepts X-Plugin-Auth as the raw type string', async () => {
      const res = await call('/api/whoami', { ...GOOD, 'X-Plugin-Auth': 'connectors.cpaas.io/bearer-token' });
      expect(res.json().authType).toBe('connectors.cpaas.io/bearer-token');
    });

    it('shows no Secret keys when no X-Plugin-Secret is sent', async () => {
      expect((await call('/api/whoami', META_ONLY)).json()).toEqual({
        baseURL: 'https://github.com',
        authType: null,
        secretKeys: [],
      });
    });

    it('returns 400 Status for an undecodable X-Plugin-Secret', async () => {
      const res = await call('/api/whoami', { ...GOOD, 'X-Plugin-Secret': b64('[1,2]') });
      expect(res.status).toBe(400);
      expectStatus(res.json(), 400, 'BadRequest', 'X-Plugin-Secret header is invalid');
    });
  });

  it('GET /api/broken returns 500 with a plain-text body', async () => {
    const res = await call('/api/broken');
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.text).toBe('upstream exploded');
  });

  it.each([
    ['missing', {}],
    ['not base64', { 'X-Plugin-Meta': '{"baseURL":"https://github.com"}' }],
    ['base64 of non-JSON', { 'X-Plugin-Meta': b64('baseURL=https://github.com') }],
    ['JSON without baseURL', { 'X-Plugin-Meta': b64('{"address":"https://github.com"}') }],
    ['a non-string baseURL', { 'X-Plugin-Meta': b64('{"baseURL":42}') }],
    ['a JSON array', { 'X-Plugin-Meta': b64('["https://github.com"]') }],
  ])('returns 400 Status when X-Plugin-Meta is %s', async (_name, headers) => {
    const res = await call('/api/gitrefs', headers);
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'X-Plugin-Meta header is missing or invalid',
      reason: 'BadRequest',
      code: 400,
    });
  });

  it.each(['/api/nope', '/gitrefs', '/api', '/api/', '/api/gitrefs/', '/'])('returns 404 Status for %s', async (path) => {
    const res = await call(path);
    expect(res.status).toBe(404);
    expectStatus(res.json(), 404, 'NotFound', 'the server could not find the requested resource');
  });

  it.each(['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])('returns 405 Status with Allow for %s', async (method) => {
    const res = await call('/api/gitrefs', GOOD, method);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    expectStatus(res.json(), 405, 'MethodNotAllowed');
  });

  it('answers HEAD like GET without a body', async () => {
    const get = await call('/api/gitrefs');
    const head = await call('/api/gitrefs', GOOD, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(get.text)));
    expect((await call('/api/gitrefs', {}, 'HEAD')).status).toBe(400);
  });

  it('never put a Secret value in any answer (runs last)', () => {
    expect(seen.length).toBeGreaterThan(30);
    const all = seen.join('\n');
    for (const value of [...SECRET_VALUES.slice(1), ...Object.values(SECRET_DATA), GOOD['X-Plugin-Secret']]) {
      expect(all).not.toContain(value);
    }
    // 'demo' alone is too short to grep for; check it never appears as a JSON value
    expect(all).not.toMatch(/"demo"/);
  });
});

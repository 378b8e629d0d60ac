import http from 'node:http';
import {
  BAD_META_BODY,
  DEFAULT_BODY,
  startRecordingUpstream,
  type RecordingUpstream,
  type UpstreamReply,
} from '../../helpers/recording-upstream.js';

const META = Buffer.from(JSON.stringify({ baseURL: 'https://github.com' })).toString('base64');

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Sends the request-target byte for byte (fetch would normalise it) and reads the whole answer. */
function rawRequest(
  base: string,
  target: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string; agent?: http.Agent } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}/`, { method: opts.method ?? 'GET', headers: opts.headers, agent: opts.agent });
    req.path = target;
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('response aborted')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.end(opts.body);
  });
}

const withMeta = (extra: Record<string, string> = {}) => ({ 'X-Plugin-Meta': META, ...extra });

describe('recording upstream', () => {
  const started: RecordingUpstream[] = [];
  async function start(...args: Parameters<typeof startRecordingUpstream>): Promise<RecordingUpstream> {
    const up = await startRecordingUpstream(...args);
    started.push(up);
    return up;
  }
  afterEach(async () => {
    await Promise.all(started.splice(0).map((up) => up.stop()));
  });

  it('listens on 127.0.0.1 and answers the default conformant list', async () => {
    const up = await start();
    expect(up.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await rawRequest(up.url, '/api/gitrefs', { headers: withMeta() });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(JSON.parse(res.body)).toEqual({ listMeta: { totalItems: 1 }, items: [{ ok: true }] });
    expect(res.body).toBe(DEFAULT_BODY);
  });

  it('records method, the raw undecoded target, headers, raw headers and body', async () => {
    const up = await start();
    const target = '/api/projects/devops%2Fdemo/x%20y?q=a%20b&r=%2F';
    await rawRequest(up.url, target, { method: 'POST', headers: withMeta({ 'X-Custom': 'One' }), body: 'hello' });
    expect(up.requests).toHaveLength(1);
    const [r] = up.requests;
    expect(r?.method).toBe('POST');
    expect(r?.url).toBe(target);
    expect(r?.headers['x-custom']).toBe('One');
    expect(r?.rawHeaders).toEqual(expect.arrayContaining(['X-Custom', 'One', 'X-Plugin-Meta', META]));
    expect(r?.body.toString()).toBe('hello');
  });

  it.each([
    ['missing', {}],
    ['not base64', { 'X-Plugin-Meta': '{"baseURL":"x"}' }],
    ['JSON without baseURL', { 'X-Plugin-Meta': Buffer.from('{"url":"x"}').toString('base64') }],
    ['a non-string baseURL', { 'X-Plugin-Meta': Buffer.from('{"baseURL":1}').toString('base64') }],
  ])('answers 400 with a distinctive body when X-Plugin-Meta is %s, and still records it', async (_n, headers) => {
    const up = await start(() => ({ status: 201 }));
    const res = await rawRequest(up.url, '/x', { headers });
    expect(res.status).toBe(400);
    expect(res.body).toBe(BAD_META_BODY);
    expect(up.requests).toHaveLength(1);
  });

  it('does not check X-Plugin-Meta with enforcePluginMeta: false', async () => {
    const up = await start(undefined, { enforcePluginMeta: false });
    expect((await rawRequest(up.url, '/api/v4/projects')).status).toBe(200);
  });

  it('answers from the reply script, which sees the recorded request', async () => {
    const up = await start(async (req): Promise<UpstreamReply> => ({
      status: 418,
      headers: { 'Content-Type': 'text/plain', 'X-Seen': req.url },
      body: `method=${req.method}`,
    }));
    const res = await rawRequest(up.url, '/a?b=1', { method: 'PUT', headers: withMeta() });
    expect(res).toMatchObject({ status: 418, body: 'method=PUT' });
    expect(res.headers['x-seen']).toBe('/a?b=1');
    expect(res.headers['content-type']).toBe('text/plain');
  });

  it('answers HEAD without a body and 204 with no body', async () => {
    const up = await start((req) => (req.url === '/empty' ? { status: 204 } : {}));
    const head = await rawRequest(up.url, '/x', { method: 'HEAD', headers: withMeta() });
    expect(head).toMatchObject({ status: 200, body: '' });
    expect(head.headers['content-length']).toBe(String(DEFAULT_BODY.length));
    expect(await rawRequest(up.url, '/empty', { headers: withMeta() })).toMatchObject({ status: 204, body: '' });
  });

  it('waits delayMs before sending headers', async () => {
    const up = await start(() => ({ delayMs: 150 }));
    const t0 = Date.now();
    expect((await rawRequest(up.url, '/x', { headers: withMeta() })).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it("destroy: 'before-headers' drops the connection with no answer", async () => {
    const up = await start(() => ({ destroy: 'before-headers' }));
    await expect(rawRequest(up.url, '/x', { headers: withMeta() })).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(up.requests).toHaveLength(1);
  });

  it("destroy: 'mid-body' sends the headers and part of the body, then cuts the connection", async () => {
    const up = await start(() => ({ body: 'x'.repeat(1000), destroy: 'mid-body' }));
    const res = await fetch(`${up.url}/x`, { headers: withMeta() });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe('1000');
    await expect(res.text()).rejects.toThrow();
  });

  it('reset() forgets recorded requests', async () => {
    const up = await start();
    const list = up.requests;
    await rawRequest(up.url, '/1', { headers: withMeta() });
    await rawRequest(up.url, '/2', { headers: withMeta() });
    expect(up.requests.map((r) => r.url)).toEqual(['/1', '/2']);
    up.reset();
    expect(up.requests).toHaveLength(0);
    expect(list).toBe(up.requests);
  });

  it('stop() closes keep-alive sockets and pending delayed answers promptly', async () => {
    const up = await startRecordingUpstream(() => ({ delayMs: 60_000 }));
    const agent = new http.Agent({ keepAlive: true });
    try {
      const pending = rawRequest(up.url, '/slow', { headers: withMeta(), agent });
      await new Promise((r) => setTimeout(r, 50)); // let the request arrive
      expect(up.requests).toHaveLength(1);
      const t0 = Date.now();
      await up.stop();
      expect(Date.now() - t0).toBeLessThan(1000);
      await expect(pending).rejects.toThrow();
      await up.stop(); // idempotent
    } finally {
      agent.destroy();
    }
  });
});

/**
 * Forwarding to the ConnectorClass API and normalising its answers (decisions.md "Responses"). Requests go out
 * with node:http so the request-target is sent byte for byte; the recording upstream shows what arrived there.
 */
import { createHash, randomBytes } from 'node:crypto';
import { expectStatus } from '../../helpers/status-assertions.js';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ALICE, resourcesPath, startHarness, waitFor, type Harness } from '../../helpers/harness.js';
import { freePort } from '../../helpers/ports.js';
import { send as rawSend, type Answer, type SendOptions } from '../../helpers/raw-client.js';
import { startRecordingUpstream, type RecordedRequest, type UpstreamReply } from '../../helpers/recording-upstream.js';

/** The raw client, always with alice's token, waiting up to 10 s by default. */
const send = (baseUrl: string, target: string, opts: Pick<SendOptions, 'method' | 'headers' | 'timeoutMs'> = {}): Promise<Answer> => rawSend(baseUrl, target, { ...opts, token: ALICE, timeoutMs: opts.timeoutMs ?? 10_000 });

const json = (res: Answer): unknown => JSON.parse(res.body.toString('utf8'));
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const git1 = (resource: string): string => resourcesPath('team-a', 'git1', resource);
const urls = (requests: RecordedRequest[]): string[] => requests.map((r) => r.url);

describe('forwarding to the ConnectorClass API and normalising its answers', () => {
  let h: Harness;
  let script: (req: RecordedRequest) => UpstreamReply = () => ({});
  beforeAll(async () => {
    h = await startHarness({ reply: (req) => script(req) });
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(() => {
    h.upstream.reset();
    script = () => ({});
  });
  /** Points the git class back at the harness's upstream and waits until requests go there again. */
  const restoreClassApi = async (): Promise<void> => {
    h.publishClassApi('git', `${h.upstream.url}/api`);
    await waitFor(async () => {
      h.upstream.reset();
      await send(h.url, git1('gitrefs'));
      return h.upstream.requests[0]?.url === '/api/gitrefs';
    }, 3000, 'the class API address to be restored');
  };

  describe('path and query forwarding', () => {
    it('forwards a multi-segment resource under the base path prefix /api', async () => {
      const res = await send(h.url, git1('repos/org/repo/branches/main'));
      expect(res.status).toBe(200);
      expect(urls(h.upstream.requests)).toEqual(['/api/repos/org/repo/branches/main']);
      expect(h.upstream.requests[0]?.method).toBe('GET');
    });

    it('keeps %2F (and other escapes) inside a segment encoded', async () => {
      const res = await send(h.url, git1('repos/org%2Frepo/branches/feature%2fx%20y%3Bz'));
      expect(res.status).toBe(200);
      expect(urls(h.upstream.requests)).toEqual(['/api/repos/org%2Frepo/branches/feature%2fx%20y%3Bz']);
    });

    it('keeps a trailing slash', async () => {
      expect((await send(h.url, git1('gitrefs/'))).status).toBe(200);
      expect(urls(h.upstream.requests)).toEqual(['/api/gitrefs/']);
    });

    it('forwards segments with reserved characters verbatim (":", "@", sub-delims)', async () => {
      const res = await send(h.url, git1("refs/a:b/host@x/!$&'()*+,;=/%40"));
      expect(res.status).toBe(200);
      expect(urls(h.upstream.requests)).toEqual(["/api/refs/a:b/host@x/!$&'()*+,;=/%40"]);
    });

    it.each([
      ['http:', 'refs/http:/example.com/x'],
      ['https:', 'links/https:/example.com'],
    ])('forwards a segment ending in "%s" followed by another segment verbatim (no scheme-like rewriting)', async (_what, resource) => {
      const res = await send(h.url, git1(resource));
      expect(res.status).toBe(200);
      expect(urls(h.upstream.requests)).toEqual([`/api/${resource}`]);
    });

    it.each([
      ['odd but valid escapes and repeated keys', 'a=%20&b=x%2Fy&c=&c=2&d=%E4%BD%A0'],
      ['a key without "=", "+" and sub-delims', 'flag&e=a+b&f=~!*\'(),;:@&g=%25%7E'],
      ['a "?" and "/.." inside the query', 'next=a?b&redirect=/../x&h=%2e%2e'],
      ['an empty query', ''],
    ])('forwards the query byte for byte: %s', async (_what, query) => {
      const res = await send(h.url, `${git1('gitrefs')}?${query}`);
      expect(res.status).toBe(200);
      expect(urls(h.upstream.requests)).toEqual([`/api/gitrefs?${query}`]);
    });

    it('keeps a longer base path prefix of the published class API address', async () => {
      h.publishClassApi('git', `${h.upstream.url}/v2/prefix/`);
      try {
        await waitFor(async () => {
          h.upstream.reset();
          await send(h.url, git1('gitrefs?x=1'));
          return h.upstream.requests[0]?.url.startsWith('/v2/') ?? false;
        }, 3000, 'the new class API address to be used');
        expect(urls(h.upstream.requests)).toEqual(['/v2/prefix/gitrefs?x=1']);
      } finally {
        await restoreClassApi();
      }
    });
  });

  it('reaches a class API at an IPv6 literal address, with that address as Host', async () => {
    const v6 = await startRecordingUpstream(() => ({}), { host: '::1' });
    h.publishClassApi('git', `${v6.url}/v6api/`);
    try {
      await waitFor(async () => (await send(h.url, git1('gitrefs?q=1'))).status === 200 && v6.requests.length > 0, 3000, 'the IPv6 class API to be used');
      const seen = v6.requests.at(-1);
      expect(seen?.url).toBe('/v6api/gitrefs?q=1');
      expect(seen?.headers.host).toBe(new URL(v6.url).host); // [::1]:port
    } finally {
      await restoreClassApi();
      await v6.stop();
    }
  });

  describe('list normalising', () => {
    const five = [{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }, { n: 5 }];

    it('turns a bare array into {listMeta:{totalItems}, items}', async () => {
      script = () => ({ body: JSON.stringify(five) });
      const res = await send(h.url, git1('gitrefs'));
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(json(res)).toEqual({ listMeta: { totalItems: 5 }, items: five });
      expect(Number(res.headers['content-length'])).toBe(res.body.length);
    });

    it.each([
      ['page=2&itemsPerPage=2', [{ n: 3 }, { n: 4 }]],
      ['page=1&itemsPerPage=2', [{ n: 1 }, { n: 2 }]],
      ['page=3&itemsPerPage=2', [{ n: 5 }]],
      ['page=4&itemsPerPage=2', []],
      ['itemsPerPage=3', [{ n: 1 }, { n: 2 }, { n: 3 }]],
      ['itemsPerPage=100', five],
    ])('pages a bare array here (%s) with totalItems = the full length, and forwards the query', async (query, items) => {
      script = () => ({ body: JSON.stringify(five) });
      const res = await send(h.url, `${git1('gitrefs')}?${query}`);
      expect(res.status).toBe(200);
      expect(json(res)).toEqual({ listMeta: { totalItems: 5 }, items });
      expect(urls(h.upstream.requests)).toEqual([`/api/gitrefs?${query}`]);
    });

    it('adds listMeta to {items} without it, keeping the other fields', async () => {
      script = () => ({ body: '{"kind":"RefList","items":[{"a":1},{"a":2}],"extra":{"x":true}}' });
      const res = await send(h.url, `${git1('gitrefs')}?page=1&itemsPerPage=1`);
      expect(res.status).toBe(200);
      // Not a bare array: the class API paged (or did not) itself; nothing is cut here.
      expect(json(res)).toEqual({ kind: 'RefList', extra: { x: true }, listMeta: { totalItems: 2 }, items: [{ a: 1 }, { a: 2 }] });
    });

    it('fixes a listMeta whose totalItems is not a count, keeping its other fields', async () => {
      script = () => ({ body: '{"listMeta":{"totalItems":"3","continue":"abc"},"items":[1,2,3]}' });
      const res = await send(h.url, git1('gitrefs'));
      expect(json(res)).toEqual({ listMeta: { totalItems: 3, continue: 'abc' }, items: [1, 2, 3] });
    });

    it('relays a conformant list byte for byte', async () => {
      const raw = '{ "items" : [ {"b":1, "a":2} ],\n  "listMeta": {"totalItems": 7, "continue": "x"}, "z\\u00e9": "\u00e9"  }\n';
      script = () => ({ body: raw, headers: { 'Content-Type': 'application/json; charset=utf-8', 'X-Upstream-Header': 'kept' } });
      const res = await send(h.url, `${git1('gitrefs')}?page=2&itemsPerPage=1`);
      expect(res.status).toBe(200);
      expect(res.body.toString('utf8')).toBe(raw);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.headers['x-upstream-header']).toBe('kept');
    });

    it.each([
      ['an object without items', '{"name":"main","sha":"abc" }'],
      ['an object whose items is not an array', '{"items":"nope","x":1}'],
      ['a string', '"just a string"'],
      ['a number', ' 42 '],
      ['null', 'null'],
    ])('relays non-list JSON unchanged: %s', async (_what, raw) => {
      script = () => ({ body: raw });
      const res = await send(h.url, git1('whoami'));
      expect(res.status).toBe(200);
      expect(res.body.toString('utf8')).toBe(raw);
    });

    it('relays a bare-array JSON answer above the 16 MiB normalise cap byte for byte, unnormalised', async () => {
      const item = '{"name":"branch-with-a-long-enough-name","sha":"0123456789abcdef0123456789abcdef01234567"},';
      const raw = Buffer.from(`[${item.repeat(Math.ceil((17 * 1024 * 1024) / item.length))}{"name":"last"}]`);
      script = () => ({ body: raw });
      const res = await send(h.url, git1('gitrefs'), { timeoutMs: 10_000 });
      expect(res.status).toBe(200);
      expect(res.body.length).toBe(raw.length);
      expect(res.body.equals(raw)).toBe(true);
    });

    it('relays a 201 list normalised too (any 2xx)', async () => {
      script = () => ({ status: 201, body: '[1]' });
      const res = await send(h.url, git1('gitrefs'));
      expect(res.status).toBe(201);
      expect(json(res)).toEqual({ listMeta: { totalItems: 1 }, items: [1] });
    });

    it.each([
      ['text/plain; charset=utf-8', Buffer.from('[1,2,3] is not JSON for us\n')],
      ['application/octet-stream', Buffer.from([0x5b, 0x00, 0xff, 0x5d, 0x0a, 0x7b])],
      ['text/html', Buffer.from('<html><body>[1,2]</body></html>')],
    ])('streams a non-JSON 2xx body (%s) unchanged', async (contentType, body) => {
      script = () => ({ body, headers: { 'Content-Type': contentType } });
      const res = await send(h.url, git1('raw/file'));
      expect(res.status).toBe(200);
      expect(res.complete).toBe(true);
      expect(res.headers['content-type']).toBe(contentType);
      expect(res.body.equals(body)).toBe(true);
    });
  });

  describe('paging parameters', () => {
    it.each(['page=0', 'page=-1', 'page=abc', 'page=', 'page=1.5', 'page=1e2', 'itemsPerPage=0', 'itemsPerPage=x', 'itemsPerPage=', 'page=2&itemsPerPage=-3'])(
      'refuses %s with 400 Status and no upstream call',
      async (query) => {
        const res = await send(h.url, `${git1('gitrefs')}?${query}`);
        const status = expectStatus(res, 400, 'BadRequest');
        expect(status.message).toMatch(/page|itemsPerPage/);
        expect(h.upstream.requests).toEqual([]);
      },
    );
  });

  describe('upstream errors become metav1.Status', () => {
    it.each([
      [500, 'InternalError', 'text/plain', '  database exploded\n\n', 'database exploded'],
      [404, 'NotFound', 'text/plain; charset=utf-8', '\trepository not found  ', 'repository not found'],
      [429, 'TooManyRequests', 'text/plain', 'slow down\n', 'slow down'],
      [400, 'BadRequest', 'text/html', ' bad ref ', 'bad ref'],
    ])('%d plain text → Status %s with the trimmed text as message', async (code, reason, contentType, body, message) => {
      script = () => ({ status: code, headers: { 'Content-Type': contentType }, body });
      const res = await send(h.url, git1('gitrefs'));
      expect(expectStatus(res, code, reason).message).toBe(message);
    });

    it('a non-2xx JSON list is still an error, not a list', async () => {
      script = () => ({ status: 500, body: '[1,2]' });
      const res = await send(h.url, git1('gitrefs'));
      expectStatus(res, 500, 'InternalError');
    });

    it('keeps the message and reason of an upstream answer that already is a Status', async () => {
      const upstreamStatus = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'branch "main" already exists', reason: 'AlreadyExists', code: 409 };
      script = () => ({ status: 409, body: JSON.stringify(upstreamStatus) });
      const res = await send(h.url, git1('branches'));
      expect(json(res)).toEqual(upstreamStatus);
      expect(expectStatus(res, 409, 'AlreadyExists').message).toBe('branch "main" already exists');
    });

    it('a Status answer keeps its message; the HTTP code wins over a different code in its body', async () => {
      script = () => ({ status: 403, body: '{"kind":"Status","message":"token lacks repo scope","reason":"Forbidden","code":500}' });
      const res = await send(h.url, git1('gitrefs'));
      expect(expectStatus(res, 403, 'Forbidden').message).toBe('token lacks repo scope');
    });

    it('a gzip-encoded error body still gives a readable message', async () => {
      script = () => ({ status: 500, headers: { 'Content-Type': 'text/plain', 'Content-Encoding': 'gzip' }, body: gzipSync(' compressed failure ') });
      const res = await send(h.url, git1('gitrefs'));
      expect(expectStatus(res, 500, 'InternalError').message).toBe('compressed failure');
    });
  });

  describe('encodings and sizes', () => {
    /** The body as the client would read it after undoing the Content-Encoding it was told about. */
    const decoded = (res: Answer): Buffer => (/gzip/i.test(String(res.headers['content-encoding'] ?? '')) ? gunzipSync(res.body) : res.body);

    it('normalises a gzip-encoded JSON list into valid JSON', async () => {
      const items = Array.from({ length: 50 }, (_, i) => ({ name: `ref-${i}` }));
      script = () => ({ body: gzipSync(JSON.stringify(items)), headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' } });
      const res = await send(h.url, `${git1('gitrefs')}?page=2&itemsPerPage=20`, { headers: { 'accept-encoding': 'gzip' } });
      expect(res.status).toBe(200);
      if (res.headers['content-length'] !== undefined) expect(Number(res.headers['content-length'])).toBe(res.body.length);
      expect(JSON.parse(decoded(res).toString('utf8'))).toEqual({ listMeta: { totalItems: 50 }, items: items.slice(20, 40) });
    });

    it('relays a gzip-encoded conformant list as valid JSON with the same content', async () => {
      const raw = '{"listMeta":{"totalItems":2},"items":["a","b"]}';
      script = () => ({ body: gzipSync(raw), headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' } });
      const res = await send(h.url, git1('gitrefs'));
      expect(res.status).toBe(200);
      expect(decoded(res).toString('utf8')).toBe(raw);
    });

    it('streams a 20 MB non-JSON body intact', async () => {
      const big = randomBytes(20 * 1024 * 1024);
      script = () => ({ body: big, headers: { 'Content-Type': 'application/octet-stream' } });
      const res = await send(h.url, git1('archive.tar'), { timeoutMs: 15_000 });
      expect(res.status).toBe(200);
      expect(res.complete).toBe(true);
      expect(res.body.length).toBe(big.length);
      expect(sha256(res.body)).toBe(sha256(big));
    });

    it('normalises a ~5 MB JSON list correctly', async () => {
      const items = Array.from({ length: 55_000 }, (_, i) => ({ name: `refs/heads/branch-${i}`, sha: createHash('sha1').update(String(i)).digest('hex'), n: i }));
      const raw = JSON.stringify(items);
      expect(raw.length).toBeGreaterThan(5_000_000);
      script = () => ({ body: raw });
      const whole = await send(h.url, git1('gitrefs'), { timeoutMs: 15_000 });
      expect(whole.status).toBe(200);
      const body = json(whole) as { listMeta: { totalItems: number }; items: unknown[] };
      expect(body.listMeta).toEqual({ totalItems: 55_000 });
      expect(body.items).toHaveLength(55_000);
      expect(sha256(Buffer.from(JSON.stringify(body.items)))).toBe(sha256(Buffer.from(raw)));
      const paged = await send(h.url, `${git1('gitrefs')}?page=7&itemsPerPage=1000`, { timeoutMs: 15_000 });
      expect(json(paged)).toEqual({ listMeta: { totalItems: 55_000 }, items: items.slice(6000, 7000) });
    });
  });

  describe('HEAD', () => {
    it.each([
      [200, 'application/json'],
      [404, 'text/plain'],
      [500, 'application/json'],
    ])('upstream %d (%s) → HEAD answers with that status and no body', async (code, contentType) => {
      script = () => ({ status: code, headers: { 'Content-Type': contentType }, body: '[1,2,3]' });
      const res = await send(h.url, git1('gitrefs'), { method: 'HEAD' });
      expect(res.status).toBe(code);
      expect(res.body.length).toBe(0);
      expect(h.upstream.requests.map((r) => r.method)).toEqual(['HEAD']);
    });
  });

  describe('broken upstreams', () => {
    it('an upstream that resets the connection before its headers → 503 Status', async () => {
      script = () => ({ destroy: 'before-headers' });
      const res = await send(h.url, git1('gitrefs'));
      expectStatus(res, 503, 'ServiceUnavailable');
      expect(h.upstream.requests.length).toBeGreaterThanOrEqual(1);
    });

    it.each([
      ['application/octet-stream', randomBytes(256 * 1024)],
      ['text/plain', Buffer.from('line\n'.repeat(50_000))],
    ])('an upstream that dies mid-body (%s) → the client sees an aborted answer, never a complete one', async (contentType, body) => {
      script = () => ({ body, headers: { 'Content-Type': contentType }, destroy: 'mid-body' });
      const res = await send(h.url, git1('archive'), { timeoutMs: 8000 });
      expect(res.error).not.toBe('client timeout');
      const announced = res.headers['content-length'] === undefined ? undefined : Number(res.headers['content-length']);
      const cleanAndWhole = res.complete && res.error === undefined && res.body.equals(body);
      expect(cleanAndWhole).toBe(false);
      // Either the connection broke, or the body is shorter than what was announced: never a clean success.
      const visiblyBroken = !res.complete || res.error !== undefined || (announced !== undefined && res.body.length < announced);
      expect(visiblyBroken).toBe(true);
      expect(res.body.length).toBeLessThan(body.length);
    });

    it('an upstream that dies mid-body of a JSON answer → never a clean 2xx', async () => {
      script = () => ({ body: JSON.stringify(Array.from({ length: 20_000 }, (_, i) => ({ i }))), destroy: 'mid-body' });
      const res = await send(h.url, git1('gitrefs'), { timeoutMs: 8000 });
      expect(res.error).not.toBe('client timeout');
      if (res.complete && res.error === undefined) {
        // A clean answer may only be a Status reporting the failure.
        expectStatus(res, 503, 'ServiceUnavailable');
      } else {
        expect(res.complete).toBe(false);
      }
    });

    it('an upstream nobody listens on → 503 Status ServiceUnavailable', async () => {
      const nobody = `http://127.0.0.1:${await freePort()}/api`;
      h.publishClassApi('git', nobody);
      try {
        let res: Answer | undefined;
        await waitFor(async () => {
          h.upstream.reset();
          res = await send(h.url, git1('gitrefs'));
          return h.upstream.requests.length === 0 && res.status !== 200;
        }, 3000, 'the dead class API address to be used');
        expect(expectStatus(res as Answer, 503, 'ServiceUnavailable').message).toMatch(/ConnectorClass API/);
      } finally {
        h.publishClassApi('git', `${h.upstream.url}/api`);
        await waitFor(async () => (await send(h.url, git1('gitrefs'))).status === 200, 3000, 'the class API address to be restored');
      }
    });

    it('a stopped upstream → 503 Status ServiceUnavailable', async () => {
      const doomed = await startRecordingUpstream();
      h.publishClassApi('git', `${doomed.url}/api`);
      try {
        await waitFor(async () => {
          await send(h.url, git1('gitrefs'));
          return doomed.requests.length > 0;
        }, 3000, 'the temporary class API address to be used');
        await doomed.stop();
        expectStatus(await send(h.url, git1('gitrefs')), 503, 'ServiceUnavailable');
      } finally {
        await doomed.stop();
        h.publishClassApi('git', `${h.upstream.url}/api`);
        await waitFor(async () => (await send(h.url, git1('gitrefs'))).status === 200, 3000, 'the class API address to be restored');
      }
    });
  });
});

describe('an upstream slower than UPSTREAM_TIMEOUT_MS', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { UPSTREAM_TIMEOUT_MS: '300' }, reply: (req) => (req.url.includes('slow') ? { delayMs: 2000 } : {}) });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('answers 504 Status Timeout within about a second', async () => {
    expect((await send(h.url, git1('fast'))).status).toBe(200); // warm: the review caches are not what is timed
    const res = await send(h.url, git1('slow'), { timeoutMs: 5000 });
    expectStatus(res, 504, 'Timeout');
    expect(res.elapsedMs).toBeGreaterThanOrEqual(250);
    expect(res.elapsedMs).toBeLessThan(1500); // the upstream would take 2000 ms
  });
});

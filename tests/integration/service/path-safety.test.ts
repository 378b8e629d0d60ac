/**
 * Path safety of the resources route (R1), tested on the wire: every request-target here is sent byte for byte
 * with node:http (supertest/superagent would normalise or re-encode it), and the recording upstream shows what,
 * if anything, got through.
 */
import { expectStatus } from '../../helpers/status-assertions.js';
import { ALICE, resourcesPath, startHarness, type Harness } from '../../helpers/harness.js';
import { sendStrict as send } from '../../helpers/raw-client.js';

const AUTH = { authorization: `Bearer ${ALICE}` };
const GITREFS = resourcesPath('team-a', 'git1', 'gitrefs');

describe('path safety of the resources route', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(() => h.upstream.reset());

  it('forwards a plain safe path (control: the attempts below are refused for their path alone)', async () => {
    const res = await send(h.url, resourcesPath('team-a', 'git1', 'repos/a.b/..c/c..d/...'), { headers: AUTH });
    expect(res.status).toBe(200);
    expect(h.upstream.requests.map((r) => r.url)).toEqual(['/api/repos/a.b/..c/c..d/...']);
  });

  describe('traversal and unsafe segments → 400 Status, nothing sent upstream', () => {
    it.each([
      ['..', '..'],
      ['.', '.'],
      ['.. after a segment', 'gitrefs/..'],
      ['.. before a segment', '../gitrefs'],
      ['.. then escaping the base', 'gitrefs/../../secret'],
      ['. in the middle', 'a/./b'],
      ['%2e%2e', '%2e%2e'],
      ['%2E%2e', '%2E%2e'],
      ['%2e', '%2e'],
      ['.%2e', '.%2e'],
      ['%2e.', '%2e.'],
      ['%252e%252e (double-encoded)', '%252e%252e'],
      ['%25252e%25252e (triple-encoded)', '%25252e%25252e'],
      ['..%2f', '..%2f'],
      ['..%2F then a segment', '..%2Fsecret'],
      ['%2e%2e%2fsecret', '%2e%2e%2fsecret'],
      ['a%2f..%2fb (slash-encoded traversal inside one segment)', 'a%2f..%2fb'],
      ['a/%2e%2e/b', 'a/%2e%2e/b'],
      ['%5c (backslash)', 'a%5cb'],
      ['%5C..%5C', '%5C..%5C'],
      ['%00 (NUL)', 'a%00b'],
      ['%0a (LF)', 'a%0ab'],
      ['%0d%0a (CRLF, header injection)', 'a%0d%0aX-Injected:%20yes'],
      ['%7f (DEL)', 'a%7f'],
      ['%zz (malformed escape)', 'a%zzb'],
      ['a lone %', '%'],
      ['a trailing lone %', 'gitrefs%'],
      ['%2 (truncated escape)', 'a%2'],
      ['overlong UTF-8 dot %c0%ae%c0%ae', '%c0%ae%c0%ae'],
      ['an empty segment in the middle', 'a//b'],
    ])('%s', async (_what, resource) => {
      const res = await send(h.url, resourcesPath('team-a', 'git1', resource), { headers: AUTH });
      expectStatus(res, 400, 'BadRequest');
      expect(h.upstream.requests).toEqual([]);
    });

    it('refuses traversal also when a query follows and without a token', async () => {
      const withQuery = await send(h.url, `${resourcesPath('team-a', 'git1', '%2e%2e')}?page=1`, { headers: AUTH });
      expectStatus(withQuery, 400, 'BadRequest');
      const anonymous = await send(h.url, resourcesPath('team-a', 'git1', '..'));
      expectStatus(anonymous, 400, 'BadRequest'); // path safety comes before authentication (decisions.md order)
      expect(h.upstream.requests).toEqual([]);
    });
  });

  describe('invalid namespace or name → 400 before any TokenReview', () => {
    it('a fresh token on a valid path does cost one TokenReview (control for the counter)', async () => {
      const fresh = h.emulator.issueServiceAccountToken('team-a', 'path-safety-control', { expiresInSeconds: 600 });
      h.emulator.resetCounters();
      const res = await send(h.url, GITREFS, { headers: { authorization: `Bearer ${fresh}` } });
      expectStatus(res, 403, 'Forbidden');
      expect(h.emulator.counters()['create tokenreviews']).toBe(1);
    });

    it.each([
      ['namespace Team-A (upper case)', resourcesPath('Team-A', 'git1', 'gitrefs')],
      ['namespace a_b (underscore)', resourcesPath('a_b', 'git1', 'gitrefs')],
      ['a 64-character namespace', resourcesPath('a'.repeat(64), 'git1', 'gitrefs')],
      ['namespace %2e%2e', resourcesPath('%2e%2e', 'git1', 'gitrefs')],
      ['namespace team-a%2fx', resourcesPath('team-a%2fx', 'git1', 'gitrefs')],
      ['namespace ending in -', resourcesPath('team-', 'git1', 'gitrefs')],
      ['name Git1 (upper case)', resourcesPath('team-a', 'Git1', 'gitrefs')],
      ['name a_b (underscore)', resourcesPath('team-a', 'a_b', 'gitrefs')],
      ['name ..', resourcesPath('team-a', '..', 'gitrefs')],
      ['name %2e%2e', resourcesPath('team-a', '%2e%2e', 'gitrefs')],
      ['a 254-character name', resourcesPath('team-a', 'a'.repeat(254), 'gitrefs')],
    ])('%s', async (_what, target) => {
      const fresh = h.emulator.issueServiceAccountToken('team-a', `invalid-names-${Math.random().toString(36).slice(2, 10)}`, { expiresInSeconds: 600 });
      h.emulator.resetCounters();
      const res = await send(h.url, target, { headers: { authorization: `Bearer ${fresh}` } });
      expectStatus(res, 400, 'BadRequest');
      expect(h.emulator.counters()['create tokenreviews'] ?? 0).toBe(0);
      expect(h.emulator.counters()['create subjectaccessreviews'] ?? 0).toBe(0);
      expect(h.upstream.requests).toEqual([]);
    });
  });

  describe('request-target length', () => {
    it('a target of exactly 8192 characters is not refused for its length', async () => {
      const base = `${GITREFS}?q=`;
      const res = await send(h.url, base + 'x'.repeat(8192 - base.length), { headers: AUTH });
      expect(res.status).toBe(200);
      expect(h.upstream.requests).toHaveLength(1);
    });

    it.each([
      ['in the path', resourcesPath('team-a', 'git1', `${'a'.repeat(100)}/`.repeat(82) + 'z')],
      ['in the query', `${GITREFS}?q=${'x'.repeat(8200)}`],
      ['by one character', (() => {
        const base = `${GITREFS}?q=`;
        return base + 'x'.repeat(8193 - base.length);
      })()],
    ])('a target longer than 8192 characters (%s) → 414 Status', async (_what, target) => {
      expect(target.length).toBeGreaterThan(8192);
      const res = await send(h.url, target, { headers: AUTH });
      expectStatus(res, 414, ''); // Kubernetes has no named reason for 414: StatusReasonUnknown ("")
      expect(h.upstream.requests).toEqual([]);
    });
  });

  describe('methods other than GET, HEAD, OPTIONS → 405 before authentication', () => {
    it.each(['POST', 'PUT', 'PATCH', 'DELETE'])('%s without a token → 405 Status with Allow, no TokenReview', async (method) => {
      h.emulator.resetCounters();
      const res = await send(h.url, GITREFS, { method, headers: { 'content-type': 'application/json' }, body: '{"x":1}' });
      expectStatus(res, 405, 'MethodNotAllowed');
      expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
      expect(h.emulator.counters()['create tokenreviews'] ?? 0).toBe(0);
      expect(h.emulator.counters()['create subjectaccessreviews'] ?? 0).toBe(0);
      expect(h.upstream.requests).toEqual([]);
    });

    it.each(['POST', 'PUT', 'PATCH', 'DELETE'])('%s with a valid fresh token and no body → still 405, no review, nothing upstream', async (method) => {
      const fresh = h.emulator.issueServiceAccountToken('team-a', `writer-${method.toLowerCase()}`, { expiresInSeconds: 600 });
      h.emulator.resetCounters();
      const res = await send(h.url, GITREFS, { method, headers: { authorization: `Bearer ${fresh}` } });
      expectStatus(res, 405, 'MethodNotAllowed');
      expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
      expect(h.emulator.counters()['create tokenreviews'] ?? 0).toBe(0);
      expect(h.upstream.requests).toEqual([]);
    });
  });

  describe('reads with a body → 400, nothing sent upstream', () => {
    it.each([
      ['GET', { 'content-length': '5' }, 'hello'],
      ['GET', { 'content-type': 'application/json', 'content-length': '2' }, '{}'],
      ['GET', { 'transfer-encoding': 'chunked' }, 'hello'],
      ['OPTIONS', { 'content-length': '5' }, 'hello'],
    ])('%s with %j', async (method, headers, body) => {
      const res = await send(h.url, GITREFS, { method, headers: { ...AUTH, ...headers }, body });
      expectStatus(res, 400, 'BadRequest');
      expect(h.upstream.requests).toEqual([]);
    });

    it.each([[{ 'content-length': '5' }], [{ 'transfer-encoding': 'chunked' }]])('HEAD with %j (the 400 has no body, as HEAD answers never do)', async (headers) => {
      const res = await send(h.url, GITREFS, { method: 'HEAD', headers: { ...AUTH, ...headers }, body: 'hello' });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(h.upstream.requests).toEqual([]);
    });

    it('a GET with Content-Length: 0 is an ordinary read (control)', async () => {
      const res = await send(h.url, GITREFS, { headers: { ...AUTH, 'content-length': '0' } });
      expect(res.status).toBe(200);
      expect(h.upstream.requests).toHaveLength(1);
      expect(h.upstream.requests[0]?.body.length).toBe(0);
    });
  });

  describe('paths no route serves → 404 Status JSON', () => {
    it.each([
      ['/', '/'],
      ['the Connector itself', '/connectors/v1alpha1/namespaces/team-a/connectors/git1'],
      ['resources without a resource', '/connectors/v1alpha1/namespaces/team-a/connectors/git1/resources/'],
      ['resources without a slash', '/connectors/v1alpha1/namespaces/team-a/connectors/git1/resources'],
      ['an unknown top-level path', '/does-not-exist'],
      ['a near miss of the route', '/connectors/v1alpha1/namespaces/team-a/connector/git1/resources/gitrefs'],
    ])('%s', async (_what, target) => {
      for (const headers of [{}, AUTH]) {
        const res = await send(h.url, target, { headers });
        expectStatus(res, 404, 'NotFound');
      }
      expect(h.upstream.requests).toEqual([]);
    });
  });

  describe('malformed escapes outside the route → JSON Status, never HTML', () => {
    it.each([
      ['/%zz', '/%zz'],
      ['/%', '/%'],
      ['/healthz%', '/healthz%'],
      ['/connectors-operator/featureflags%zz', '/connectors-operator/featureflags%zz'],
      ['/connectors/v1alpha1/%E0%A4%A', '/connectors/v1alpha1/%E0%A4%A'],
      ['a malformed escape in the route prefix', '/connectors/v1alpha1/namespaces/team-a/connectors/git1/resource%zz/x'],
    ])('%s', async (_what, target) => {
      const res = await send(h.url, target, { headers: AUTH });
      expect([400, 404]).toContain(res.status);
      expectStatus(res, res.status, res.status === 400 ? 'BadRequest' : 'NotFound');
      expect(h.upstream.requests).toEqual([]);
    });

    it('a malformed escape in a namespace or name of the route → 400 Status', async () => {
      for (const target of [resourcesPath('team-a%zz', 'git1', 'gitrefs'), resourcesPath('team-a', 'git1%', 'gitrefs')]) {
        expectStatus(await send(h.url, target, { headers: AUTH }), 400, 'BadRequest');
      }
      expect(h.upstream.requests).toEqual([]);
    });
  });
});

/**
 * What the ConnectorClass API receives: the Connector's credentials as X-Plugin-Meta/Auth/Secret (decoded and
 * compared exactly), and none of the client's credentials, identity claims, spoofed X-Plugin-* or hop-by-hop
 * headers, with and without `Expect: 100-continue` (http-proxy skips its header hook when Expect is present).
 */
import type http from 'node:http';
import { expectStatus } from '../../helpers/status-assertions.js';
import type { KubeObject } from '../../../emulator/index.js';
import { ALICE, decodeHeader, resourcesPath, startHarness, waitFor, type Harness } from '../../helpers/harness.js';
import type { RecordedRequest } from '../../helpers/recording-upstream.js';
import { sendStrict, type StrictAnswer } from '../../helpers/raw-client.js';

/** A GET with node:http exactly as given (supertest may treat Expect specially); no keep-alive socket left behind. */
const send = (baseUrl: string, target: string, headers: http.OutgoingHttpHeaders = {}): Promise<StrictAnswer> => sendStrict(baseUrl, target, { headers, destroyAfter: true });

const AUTH = { authorization: `Bearer ${ALICE}` };
const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const path = (name: string): string => resourcesPath('team-a', name, 'gitrefs');

/** The Secret's data exactly as the API serves it (values still base64), with keys sorted. */
function sortedSecretData(h: Harness, namespace: string, name: string): { json: string; data: Record<string, string> } {
  const secret = h.emulator.store.get('v1', 'Secret', namespace, name);
  if (!secret) throw new Error(`no Secret ${namespace}/${name}`);
  const data = (secret.data ?? {}) as Record<string, string>;
  const keys = Object.keys(data).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const sorted = Object.fromEntries(keys.map((k) => [k, data[k] as string]));
  return { json: JSON.stringify(sorted), data: sorted };
}

/** The single request the upstream received since the last reset. */
function onlyRequest(h: Harness): RecordedRequest {
  expect(h.upstream.requests).toHaveLength(1);
  return h.upstream.requests[0] as RecordedRequest;
}

function connector(name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'connectors.alauda.io/v1alpha1', kind: 'Connector', metadata: { name, namespace: 'team-a' }, spec: { connectorClassName: 'git', ...spec } };
}

describe('credentials injected for the ConnectorClass API', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    const store = h.emulator.store;
    store.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'many-keys', namespace: 'team-a' },
      type: 'Opaque',
      // deliberately unsorted, with keys whose order differs between naive and byte-wise sorting
      data: { zeta: b64('z-value-1'), alpha: b64('a-value-2'), Mid: b64('m-value-3'), 'a.b': b64('ab-value-4'), beta_2: b64('b-value-5') },
    });
    store.create(connector('many-keys', { address: 'https://many.example.com', auth: { name: 'tokenAuth', secretRef: { name: 'many-keys' } } }));
    store.create(connector('nosecret', { address: 'https://no-secret.example.com' }));
    store.create(connector('same-ns-ref', { address: 'https://github.com', auth: { name: 'basicAuth', secretRef: { name: 'git1-basic', namespace: 'team-a' } } }));
    store.create(connector('cross-ns', { address: 'https://github.com', auth: { name: 'basicAuth', secretRef: { name: 'public-git-basic', namespace: 'kube-public' } } }));
    store.create(connector('missing-secret', { address: 'https://github.com', auth: { name: 'basicAuth', secretRef: { name: 'no-such-secret' } } }));
    // Every object above is served from the watch caches: wait until each Connector is known (not 404) and the
    // ones whose Secret exists answer 200.
    for (const [name, ready] of [
      ['many-keys', 200],
      ['nosecret', 200],
      ['same-ns-ref', 200],
      ['cross-ns', 400],
      ['missing-secret', 400],
    ] as const) {
      await waitFor(async () => (await send(h.url, path(name), AUTH)).status === ready, 5000, `connector ${name} to answer ${ready}`);
    }
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(() => h.upstream.reset());

  describe('X-Plugin-* headers', () => {
    it('team-a/git1: Meta {"baseURL":"https://github.com"}, Auth base64 of kubernetes.io/basic-auth, Secret the sorted data', async () => {
      const res = await send(h.url, path('git1'), AUTH);
      expect(res.status).toBe(200);
      const headers = onlyRequest(h).headers;
      expect(decodeHeader(headers['x-plugin-meta'])).toBe('{"baseURL":"https://github.com"}');
      expect(headers['x-plugin-meta']).toBe(b64('{"baseURL":"https://github.com"}'));
      expect(headers['x-plugin-auth']).toBe(b64('kubernetes.io/basic-auth'));
      expect(decodeHeader(headers['x-plugin-auth'])).toBe('kubernetes.io/basic-auth');
      const { json, data } = sortedSecretData(h, 'team-a', 'git1-basic');
      expect(headers['x-plugin-secret']).toBe(b64(json));
      const decoded = JSON.parse(decodeHeader(headers['x-plugin-secret'])) as Record<string, string>;
      expect(Object.keys(decoded)).toEqual(['password', 'username']);
      expect(decoded).toEqual(data);
      // the values stay base64, exactly as the Secret's data holds them
      expect(Buffer.from(decoded.username as string, 'base64').toString('utf8')).toBe('demo');
      expect(Buffer.from(decoded.password as string, 'base64').toString('utf8')).toBe('demo-password-not-real');
    });

    it('team-a/git2: bearer-token type and its token', async () => {
      expect((await send(h.url, path('git2'), AUTH)).status).toBe(200);
      const headers = onlyRequest(h).headers;
      expect(headers['x-plugin-meta']).toBe(b64('{"baseURL":"https://gitlab.example.com"}'));
      expect(headers['x-plugin-auth']).toBe(b64('connectors.cpaas.io/bearer-token'));
      const { json } = sortedSecretData(h, 'team-a', 'git2-token');
      expect(headers['x-plugin-secret']).toBe(b64(json));
      expect(JSON.parse(decodeHeader(headers['x-plugin-secret']))).toEqual({ token: b64('demo-bearer-not-real') });
    });

    it('sorts the keys of X-Plugin-Secret byte-wise', async () => {
      expect((await send(h.url, path('many-keys'), AUTH)).status).toBe(200);
      const headers = onlyRequest(h).headers;
      expect(headers['x-plugin-auth']).toBe(b64('Opaque'));
      const text = decodeHeader(headers['x-plugin-secret']);
      expect(Object.keys(JSON.parse(text) as object)).toEqual(['Mid', 'a.b', 'alpha', 'beta_2', 'zeta']);
      expect(text).toBe(sortedSecretData(h, 'team-a', 'many-keys').json);
    });

    it('a secretRef naming the Connector\'s own namespace explicitly is accepted', async () => {
      expect((await send(h.url, path('same-ns-ref'), AUTH)).status).toBe(200);
      const headers = onlyRequest(h).headers;
      expect(headers['x-plugin-auth']).toBe(b64('kubernetes.io/basic-auth'));
      expect(headers['x-plugin-secret']).toBe(b64(sortedSecretData(h, 'team-a', 'git1-basic').json));
    });

    it('a Connector without secretRef: only X-Plugin-Meta, and client X-Plugin-Auth/Secret do not fill the gap', async () => {
      const res = await send(h.url, path('nosecret'), {
        ...AUTH,
        'x-plugin-auth': b64('kubernetes.io/basic-auth'),
        'x-plugin-secret': b64('{"password":"c3Bvb2Y=","username":"c3Bvb2Y="}'),
      });
      expect(res.status).toBe(200);
      const headers = onlyRequest(h).headers;
      expect(headers['x-plugin-meta']).toBe(b64('{"baseURL":"https://no-secret.example.com"}'));
      expect(headers['x-plugin-auth']).toBeUndefined();
      expect(headers['x-plugin-secret']).toBeUndefined();
      expect(Object.keys(headers).filter((n) => n.startsWith('x-plugin-'))).toEqual(['x-plugin-meta']);
    });

    it('a secretRef to another namespace → 400 Status, nothing upstream, no Secret value in the answer', async () => {
      const res = await send(h.url, path('cross-ns'), AUTH);
      const status = expectStatus(res, 400, 'BadRequest');
      expect(status.message).toContain('kube-public');
      const { data } = sortedSecretData(h, 'kube-public', 'public-git-basic');
      for (const value of Object.values(data)) {
        expect(res.body.toString('utf8')).not.toContain(value);
        expect(res.body.toString('utf8')).not.toContain(Buffer.from(value, 'base64').toString('utf8'));
      }
      expect(h.upstream.requests).toEqual([]);
    });

    it('a missing Secret → 400 Status naming it, nothing upstream', async () => {
      const status = expectStatus(await send(h.url, path('missing-secret'), AUTH), 400, 'BadRequest');
      expect(status.message).toContain('no-such-secret');
      expect(h.upstream.requests).toEqual([]);
    });
  });

  describe('header hygiene', () => {
    const legitMeta = b64('{"baseURL":"https://github.com"}');
    const spoofMeta = b64('{"baseURL":"https://evil.example"}');

    interface HygieneCase {
      sent: http.OutgoingHttpHeaders;
      /** Header names that must not reach the upstream. */
      absent: string[];
    }
    const cases: [string, HygieneCase][] = [
      ['Authorization (the caller\'s own bearer token)', { sent: {}, absent: ['authorization'] }],
      ['Cookie', { sent: { cookie: 'session=cookie-spoof-1; token=cookie-spoof-2' }, absent: ['cookie'] }],
      ['Proxy-Authorization', { sent: { 'proxy-authorization': 'Basic cHJveHk6cHJveHktc3Bvb2Y=' }, absent: ['proxy-authorization'] }],
      [
        'Impersonate-User/Group/Uid/Extra',
        {
          sent: { 'impersonate-user': 'system:admin', 'impersonate-group': 'system:masters', 'impersonate-uid': 'uid-spoof', 'impersonate-extra-scopes': 'scope-spoof' },
          absent: ['impersonate-user', 'impersonate-group', 'impersonate-uid', 'impersonate-extra-scopes'],
        },
      ],
      ['X-Plugin-Meta spoof', { sent: { 'x-plugin-meta': spoofMeta }, absent: [] }],
      ['X-Plugin-Secret and X-Plugin-Auth spoofs', { sent: { 'x-plugin-secret': b64('{"token":"c3Bvb2Y="}'), 'x-plugin-auth': b64('Opaque') }, absent: [] }],
      ['another X-Plugin-* header', { sent: { 'x-plugin-extra': 'plugin-spoof' }, absent: ['x-plugin-extra'] }],
      [
        'X-Forwarded-For/Host/Proto',
        { sent: { 'x-forwarded-for': '6.6.6.6', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'gopher' }, absent: ['x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto'] },
      ],
      ['X-Real-IP', { sent: { 'x-real-ip': '6.6.6.7' }, absent: ['x-real-ip'] }],
      ['X-Remote-User/Group', { sent: { 'x-remote-user': 'admin-spoof', 'x-remote-group': 'system:masters' }, absent: ['x-remote-user', 'x-remote-group'] }],
      ['Forwarded', { sent: { forwarded: 'for=6.6.6.6;host=evil.example;proto=https' }, absent: ['forwarded'] }],
      ['a custom header listed in Connection', { sent: { connection: 'keep-alive, X-Hop-Custom', 'x-hop-custom': 'hop-spoof' }, absent: ['x-hop-custom'] }],
      ['Keep-Alive', { sent: { connection: 'keep-alive', 'keep-alive': 'timeout=5, max=1000' }, absent: ['keep-alive'] }],
      ['TE', { sent: { te: 'trailers' }, absent: ['te'] }],
      ['Upgrade', { sent: { upgrade: 'h2c' }, absent: ['upgrade'] }],
      ['Proxy-Connection', { sent: { 'proxy-connection': 'keep-alive' }, absent: ['proxy-connection'] }],
    ];
    const allAtOnce: HygieneCase = {
      sent: Object.assign({}, ...cases.map(([, c]) => c.sent), { connection: 'keep-alive, X-Hop-Custom' }) as http.OutgoingHttpHeaders,
      absent: cases.flatMap(([, c]) => c.absent),
    };

    /** The upstream got git1's own X-Plugin-* and none of the client's names or values listed in the case. */
    function expectClean(recorded: RecordedRequest, c: HygieneCase): void {
      for (const name of c.absent) expect({ [name]: recorded.headers[name] }).toEqual({ [name]: undefined });
      expect(recorded.headers.expect).toBeUndefined();
      expect(String(recorded.headers.connection ?? '')).not.toMatch(/x-hop-custom/i);
      expect(recorded.headers['x-plugin-meta']).toBe(legitMeta);
      expect(recorded.headers['x-plugin-auth']).toBe(b64('kubernetes.io/basic-auth'));
      expect(recorded.headers['x-plugin-secret']).toBe(b64(sortedSecretData(h, 'team-a', 'git1-basic').json));
      // no client-sent value (the caller's token first) anywhere in what the upstream received
      const wire = recorded.rawHeaders.join('\n');
      expect(wire).not.toContain(ALICE);
      for (const value of Object.values(c.sent)) {
        const text = String(value);
        if (text === 'keep-alive' || text.startsWith('keep-alive,')) continue; // our own hop to the upstream may say keep-alive
        expect(wire).not.toContain(text);
      }
    }

    for (const expectHeader of [false, true]) {
      const mode = expectHeader ? 'with Expect: 100-continue' : 'without Expect';
      describe(mode, () => {
        const extra: http.OutgoingHttpHeaders = expectHeader ? { expect: '100-continue' } : {};

        it.each(cases)('%s never reaches the upstream', async (_what, c) => {
          const res = await send(h.url, path('git1'), { ...c.sent, ...AUTH, ...extra });
          expect(res.status).toBe(200);
          expectClean(onlyRequest(h), c);
        });

        it('all of them at once never reach the upstream', async () => {
          const res = await send(h.url, path('git1'), { ...allAtOnce.sent, ...AUTH, ...extra });
          expect(res.status).toBe(200);
          if (expectHeader) expect(res.continued).toBe(true); // the Expect header really was on the wire
          expectClean(onlyRequest(h), allAtOnce);
        });

        it('ordinary headers (Accept, User-Agent, X-Request-Id, …) do reach the upstream unchanged', async () => {
          const ordinary = {
            accept: 'application/vnd.connectors.test+json; q=0.9, */*; q=0.1',
            'user-agent': 'connectors-api-tests/1.0 (+inject-credentials)',
            'x-request-id': 'req-7f3a-0001',
            'accept-language': 'de-CH, en;q=0.5',
            'if-none-match': '"etag-123"',
          };
          expect((await send(h.url, path('git1'), { ...ordinary, ...AUTH, ...extra })).status).toBe(200);
          const headers = onlyRequest(h).headers;
          for (const [name, value] of Object.entries(ordinary)) expect({ [name]: headers[name] }).toEqual({ [name]: value });
        });

        it('the upstream Host header is the upstream\'s host, not the service\'s or the client\'s', async () => {
          const upstreamHost = new URL(h.upstream.url).host;
          const serviceHost = new URL(h.url).host;
          expect(upstreamHost).not.toBe(serviceHost);
          for (const host of [serviceHost, 'evil.example:443']) {
            h.upstream.reset();
            expect((await send(h.url, path('git1'), { ...AUTH, ...extra, host })).status).toBe(200);
            expect(onlyRequest(h).headers.host).toBe(upstreamHost);
          }
        });
      });
    }
  });
});

describe('PLUGIN_AUTH_ENCODING=raw', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { PLUGIN_AUTH_ENCODING: 'raw' } });
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(() => h.upstream.reset());

  it.each([
    ['git1', 'kubernetes.io/basic-auth', 'git1-basic', 'https://github.com'],
    ['git2', 'connectors.cpaas.io/bearer-token', 'git2-token', 'https://gitlab.example.com'],
  ])('%s: X-Plugin-Auth is the raw type string %s; Meta and Secret stay base64', async (name, type, secretName, address) => {
    expect((await send(h.url, path(name), AUTH)).status).toBe(200);
    const headers = onlyRequest(h).headers;
    expect(headers['x-plugin-auth']).toBe(type);
    expect(headers['x-plugin-meta']).toBe(b64(JSON.stringify({ baseURL: address })));
    expect(headers['x-plugin-secret']).toBe(b64(sortedSecretData(h, 'team-a', secretName).json));
  });
});

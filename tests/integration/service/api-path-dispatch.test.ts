/**
 * Route R2 `/connectors/v1alpha1/{ns}/{name}/path/{api-path}` for reads: OpenAPI dispatch (decisions.md "OpenAPI
 * matching"), `api` operations to the ConnectorClass API exactly as R1, everything else to the tool itself with the
 * Connector's credentials and the tool's answers relayed unchanged ("R2 proxy dispatch"). Requests go out with
 * node:http so the request-target is sent byte for byte; recording upstreams on 127.0.0.1 play the class API and
 * the tools and show what arrived there.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { KubeObject } from '../../../emulator/index.js';
import { ALICE, BOB, decodeHeader, startHarness, type Harness } from '../../helpers/harness.js';
import { freePort } from '../../helpers/ports.js';
import { send as rawSend, type Answer, type SendOptions } from '../../helpers/raw-client.js';
import { startRecordingUpstream, type RecordedRequest, type RecordingUpstream, type UpstreamReply } from '../../helpers/recording-upstream.js';
import { expectStatus } from '../../helpers/status-assertions.js';

/** The raw client with alice's token unless `token` says otherwise (null: no Authorization header). */
const send = (baseUrl: string, target: string, opts: Omit<SendOptions, 'body' | 'hashOnly'> = {}): Promise<Answer> => rawSend(baseUrl, target, { ...opts, token: opts.token === undefined ? ALICE : opts.token });

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const basic = (user: string, password: string): string => `Basic ${b64(`${user}:${password}`)}`;
const r2 = (namespace: string, name: string, apiPath: string): string => `/connectors/v1alpha1/${namespace}/${name}/path${apiPath}`;
const r2c = (apiPath: string): string => r2('team-a', 'r2c', apiPath);
const text = (res: Answer): string => res.body.toString('utf8');

/** Headers that must never reach a tool, whatever the client sent. */
const FORBIDDEN_AT_TOOL = /^(x-plugin-.*|impersonate-.*|x-forwarded-.*|x-remote-.*|forwarded|cookie|proxy-authorization|expect|x-real-ip)$/;

const CONNECTORS = 'connectors.alauda.io/v1alpha1';
const CLASS = 'r2-dispatch';
const NODOC_CLASS = 'r2-nodoc';

function secret(namespace: string, name: string, type: string, data: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, type, data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])) };
}

function connector(namespace: string, name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: CONNECTORS, kind: 'Connector', metadata: { name, namespace }, spec };
}

/** The single request an upstream received since the last reset. */
function only(upstream: RecordingUpstream): RecordedRequest {
  expect(upstream.requests.map((r) => `${r.method} ${r.url}`)).toHaveLength(1);
  return upstream.requests[0] as RecordedRequest;
}

/**
 * A tool that sends its first chunk, then holds the rest until the test saw that chunk arrive (or a fallback
 * fires): a relay that buffered the whole answer would deliver nothing before the fallback.
 */
interface StreamingTool {
  url: string;
  release(): void;
  releasedBy(): 'client' | 'fallback' | undefined;
  stop(): Promise<void>;
}

async function startStreamingTool(fallbackMs: number): Promise<StreamingTool> {
  let releasedBy: 'client' | 'fallback' | undefined;
  let releaseNow: (() => void) | undefined;
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((_req, res) => {
    releasedBy = undefined;
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'x-tool-stream': 'yes' });
    res.write('first-chunk\n');
    const finish = (by: 'client' | 'fallback') => {
      if (releasedBy) return;
      releasedBy = by;
      releaseNow = undefined;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      res.end('second-chunk\n');
    };
    releaseNow = () => finish('client');
    timers.add(setTimeout(() => finish('fallback'), fallbackMs));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    release: () => releaseNow?.(),
    releasedBy: () => releasedBy,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const UPSTREAM_TIMEOUT_MS = 1000;

describe('R2 /path/: OpenAPI dispatch and tool passthrough', () => {
  let h: Harness;
  let classApi: RecordingUpstream;
  let tool: RecordingUpstream;
  let tool2: RecordingUpstream;
  let streamer: StreamingTool;
  let toolScript: (req: RecordedRequest) => UpstreamReply = () => ({});
  let classScript: (req: RecordedRequest) => UpstreamReply = () => ({});

  beforeAll(async () => {
    classApi = await startRecordingUpstream((req) => classScript(req)); // enforces X-Plugin-Meta
    tool = await startRecordingUpstream((req) => toolScript(req), { enforcePluginMeta: false });
    tool2 = await startRecordingUpstream(() => ({ body: '{"tool":2}' }), { enforcePluginMeta: false });
    streamer = await startStreamingTool(3000);
    const downPort = await freePort();
    const openapi = {
      openapi: '3.0.3',
      info: { title: 'r2 dispatch test', version: 'v1' },
      paths: {
        '/git/gitrefs': { get: { 'x-provider-type': 'api' } },
        '/api/v4/projects/{project_id}': { get: { 'x-provider-type': 'api' } },
        '/api/v4/projects/special': { get: { 'x-provider-type': 'proxy' } },
        '/api/v4/projects/{project_id}/repository/branches': { get: { 'x-provider-type': 'proxy' } },
        '/tie/{x}/end': { get: { 'x-provider-type': 'api' } },
        '/tie/first/{y}': { get: { 'x-provider-type': 'proxy' } },
        '/reads': { get: { 'x-provider-type': 'api' } },
        '/own-head': { get: { 'x-provider-type': 'proxy' }, head: { 'x-provider-type': 'api' }, options: { 'x-provider-type': 'api' } },
        '/post-only': { post: { 'x-provider-type': 'api' } },
        '/no-marker': { get: { summary: 'an operation without x-provider-type' } },
        '/weird': { get: { 'x-provider-type': 'graphql' } },
        '/via-extension': { get: { 'x-provider-type': 'proxy', 'x-openapi-address': 'apiext' } },
        '/via-url': { get: { 'x-provider-type': 'proxy', 'x-openapi-address': `${tool2.url}/from-url` } },
        '/via-unknown-name': { get: { 'x-provider-type': 'proxy', 'x-openapi-address': 'no-such-extension' } },
        '/via-bad-url': { get: { 'x-provider-type': 'proxy', 'x-openapi-address': 'ftp://127.0.0.1/files' } },
      },
    };
    const objects: KubeObject[] = [
      // every flag off, whatever examples/cluster says
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'connectors-config', namespace: 'connectors-system' }, data: { 'enable-connector-apis-permissions': 'false', 'enable-connector-apis-write-passthrough': 'false', 'enable-custom-ca-certs': 'false' } },
      { apiVersion: CONNECTORS, kind: 'ConnectorClass', metadata: { name: CLASS }, spec: { api: { openapi } }, status: { api: { address: { url: `${classApi.url}/classapi` } } } },
      { apiVersion: CONNECTORS, kind: 'ConnectorClass', metadata: { name: NODOC_CLASS }, spec: {} },
      secret('team-a', 'r2c-basic', 'kubernetes.io/basic-auth', { username: 'r2-user', password: 'r2-password-value' }),
      connector('team-a', 'r2c', {
        connectorClassName: CLASS,
        address: `${tool.url}/tool-prefix`,
        addressExtensions: [{ name: 'apiext', value: `${tool2.url}/ext-prefix` }],
        auth: { name: 'basicAuth', secretRef: { name: 'r2c-basic' } },
      }),
      connector('team-a', 'nodoc', { connectorClassName: NODOC_CLASS, address: `${tool.url}/nodoc-prefix` }),
      connector('team-a', 'down', { connectorClassName: NODOC_CLASS, address: `http://127.0.0.1:${downPort}` }),
      connector('team-a', 'streamer', { connectorClassName: NODOC_CLASS, address: streamer.url }),
      // credentials by Secret type
      secret('team-a', 'cred-basic', 'kubernetes.io/basic-auth', { username: 'basic-user', password: 'basic-password-1' }),
      secret('team-a', 'cred-userpass', 'Opaque', { username: 'opaque-user', password: 'opaque-password-2' }),
      secret('team-a', 'cred-bearer', 'connectors.cpaas.io/bearer-token', { token: 'bearer-token-value-3' }),
      secret('team-a', 'cred-pat', 'connectors.cpaas.io/gitlab-pat-auth', { token: 'glpat-pat-token-value-4' }),
      secret('team-a', 'cred-opaque', 'Opaque', { token: 'opaque-token-value-5' }),
      secret('team-a', 'cred-ssh', 'kubernetes.io/ssh-auth', { 'ssh-privatekey': '-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-real-key-6\n-----END OPENSSH PRIVATE KEY-----\n' }),
      ...['cred-basic', 'cred-userpass', 'cred-bearer', 'cred-pat', 'cred-opaque', 'cred-ssh'].map((name) =>
        connector('team-a', name, { connectorClassName: NODOC_CLASS, address: tool.url, auth: { name: 'auth', secretRef: { name } } }),
      ),
      connector('team-a', 'cred-none', { connectorClassName: NODOC_CLASS, address: tool.url }),
      // a cluster-scoped Connector (kube-public) and bob allowed to read it there
      secret('kube-public', 'pub-tool-token', 'connectors.cpaas.io/bearer-token', { token: 'kube-public-token-7' }),
      connector('kube-public', 'pub-tool', { connectorClassName: NODOC_CLASS, address: `${tool.url}/public`, auth: { name: 'tokenAuth', secretRef: { name: 'pub-tool-token' } } }),
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r2-pub-reader', namespace: 'kube-public' }, rules: [{ apiGroups: ['connectors.alauda.io'], resources: ['connectors'], verbs: ['get'] }] },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'r2-pub-reader', namespace: 'kube-public' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r2-pub-reader' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'bob' }],
      },
    ];
    h = await startHarness({ objects, env: { UPSTREAM_TIMEOUT_MS: String(UPSTREAM_TIMEOUT_MS) } });
  });
  afterAll(async () => {
    await h?.stop();
    await Promise.all([classApi?.stop(), tool?.stop(), tool2?.stop(), streamer?.stop()]);
  });
  beforeEach(() => {
    classApi.reset();
    tool.reset();
    tool2.reset();
    toolScript = () => ({ headers: { 'content-type': 'application/json', 'x-tool': 'yes' }, body: '{"tool":1}' });
    classScript = () => ({});
  });
  afterEach(() => {
    // Whatever a test sent, no tool ever saw an X-Plugin-* header, a client credential or a forwarding claim.
    for (const r of [...tool.requests, ...tool2.requests]) {
      expect(Object.keys(r.headers).filter((name) => FORBIDDEN_AT_TOOL.test(name))).toEqual([]);
      expect(String(r.headers.authorization ?? '')).not.toContain(ALICE);
      expect(String(r.headers.authorization ?? '')).not.toContain(BOB);
    }
  });

  describe('dispatch from spec.api.openapi.paths', () => {
    it('an `api` operation goes to {class API base}{api-path} with X-Plugin-* headers and its list normalised like R1', async () => {
      classScript = () => ({ body: '[{"name":"main"},{"name":"dev"}]' });
      const res = await send(h.url, r2c('/git/gitrefs?repositoryUrl=https%3A%2F%2Fexample.com%2Fr&search=ma'));
      expect(res.status).toBe(200);
      expect(JSON.parse(text(res))).toEqual({ listMeta: { totalItems: 2 }, items: [{ name: 'main' }, { name: 'dev' }] });
      const got = only(classApi);
      expect(got.method).toBe('GET');
      expect(got.url).toBe('/classapi/git/gitrefs?repositoryUrl=https%3A%2F%2Fexample.com%2Fr&search=ma');
      expect(decodeHeader(got.headers['x-plugin-meta'])).toBe(JSON.stringify({ baseURL: `${tool.url}/tool-prefix` }));
      expect(decodeHeader(got.headers['x-plugin-auth'])).toBe('kubernetes.io/basic-auth');
      expect(JSON.parse(decodeHeader(got.headers['x-plugin-secret']))).toEqual({ password: b64('r2-password-value'), username: b64('r2-user') });
      expect(got.headers.authorization).toBeUndefined();
      expect(tool.requests).toHaveLength(0);
    });

    it('a non-2xx `api` answer becomes a metav1.Status with the class API code, like R1', async () => {
      classScript = () => ({ status: 404, headers: { 'content-type': 'text/plain' }, body: 'no such ref here' });
      const res = await send(h.url, r2c('/git/gitrefs'));
      const status = expectStatus(res, 404, 'NotFound');
      expect(status.message).toContain('no such ref here');
      expect(tool.requests).toHaveLength(0);
    });

    it('a template variable matches one still-encoded segment (devops%2Fdemo), which reaches the upstream untouched', async () => {
      const apiRes = await send(h.url, r2c('/api/v4/projects/devops%2Fdemo'));
      expect(apiRes.status).toBe(200);
      expect(only(classApi).url).toBe('/classapi/api/v4/projects/devops%2Fdemo');
      expect(tool.requests).toHaveLength(0);

      classApi.reset();
      const proxyRes = await send(h.url, r2c('/api/v4/projects/devops%2Fdemo/repository/branches?ref=refs%2Fheads%2Fmain'));
      expect(proxyRes.status).toBe(200);
      expect(text(proxyRes)).toBe('{"tool":1}');
      expect(only(tool).url).toBe('/tool-prefix/api/v4/projects/devops%2Fdemo/repository/branches?ref=refs%2Fheads%2Fmain');
      expect(classApi.requests).toHaveLength(0);
    });

    it('concrete templates win over templated ones; among equals, the earliest literal wins', async () => {
      // '/api/v4/projects/special' (proxy) beats '/api/v4/projects/{project_id}' (api)
      expect((await send(h.url, r2c('/api/v4/projects/special'))).status).toBe(200);
      expect(only(tool).url).toBe('/tool-prefix/api/v4/projects/special');
      expect(classApi.requests).toHaveLength(0);
      // '/tie/first/{y}' (proxy, literal at position 2) beats '/tie/{x}/end' (api, literal at position 3)
      tool.reset();
      expect((await send(h.url, r2c('/tie/first/end'))).status).toBe(200);
      expect(only(tool).url).toBe('/tool-prefix/tie/first/end');
      expect(classApi.requests).toHaveLength(0);
      // and '/tie/{x}/end' still serves what only it matches
      tool.reset();
      expect((await send(h.url, r2c('/tie/other/end'))).status).toBe(200);
      expect(only(classApi).url).toBe('/classapi/tie/other/end');
      expect(tool.requests).toHaveLength(0);
    });

    it('HEAD and OPTIONS fall back to the `get:` operation and reach the upstream as HEAD and OPTIONS', async () => {
      for (const method of ['HEAD', 'OPTIONS']) {
        classApi.reset();
        const res = await send(h.url, r2c('/reads'), { method });
        expect(res.status).toBe(200);
        const got = only(classApi);
        expect(got.method).toBe(method);
        expect(got.url).toBe('/classapi/reads');
        expect(got.headers['x-plugin-meta']).toBeDefined();
      }
      expect(tool.requests).toHaveLength(0);
    });

    it('an exact `head:` / `options:` operation is used when declared (GET on the same path goes elsewhere)', async () => {
      for (const method of ['HEAD', 'OPTIONS']) {
        classApi.reset();
        expect((await send(h.url, r2c('/own-head'), { method })).status).toBe(200);
        expect(only(classApi).method).toBe(method);
      }
      expect(tool.requests).toHaveLength(0);
      classApi.reset();
      expect((await send(h.url, r2c('/own-head'))).status).toBe(200);
      expect(only(tool).url).toBe('/tool-prefix/own-head');
      expect(classApi.requests).toHaveLength(0);
    });

    it.each([
      ['no template matches', '/not/in/the/document'],
      ['a trailing slash is significant', '/git/gitrefs/'],
      ['a matched template without an operation for the method', '/post-only'],
      ['an operation without x-provider-type', '/no-marker'],
    ])('%s → the tool', async (_label, apiPath) => {
      const res = await send(h.url, r2c(apiPath));
      expect(res.status).toBe(200);
      expect(text(res)).toBe('{"tool":1}');
      expect(only(tool).url).toBe(`/tool-prefix${apiPath}`);
      expect(classApi.requests).toHaveLength(0);
    });

    it('a ConnectorClass without an OpenAPI document (or without spec.api) → the tool', async () => {
      const res = await send(h.url, r2('team-a', 'nodoc', '/git/gitrefs'));
      expect(res.status).toBe(200);
      expect(only(tool).url).toBe('/nodoc-prefix/git/gitrefs');
      expect(classApi.requests).toHaveLength(0);
    });

    it('an x-provider-type other than api or proxy → 400 Status naming the class and the path, nothing forwarded', async () => {
      const res = await send(h.url, r2c('/weird'));
      const status = expectStatus(res, 400, 'BadRequest');
      expect(status.message).toContain(`'${CLASS}'`);
      expect(status.message).toContain('/weird');
      expect(tool.requests).toHaveLength(0);
      expect(classApi.requests).toHaveLength(0);
    });
  });

  describe('the tool base: spec.address or x-openapi-address', () => {
    it('the path prefix of spec.address is kept; api-path and query are appended verbatim', async () => {
      const query = 'search=a%20b&ref=refs%2Fheads%2Fmain&x=1+2&empty=&flag&dup=1&dup=2&utf=%C3%A9';
      const res = await send(h.url, r2c(`/api/v4/groups/g%2Fsub/projects?${query}`));
      expect(res.status).toBe(200);
      expect(only(tool).url).toBe(`/tool-prefix/api/v4/groups/g%2Fsub/projects?${query}`);
    });

    it('an api-path segment that looks like a scheme (http:/x) is not rewritten into a URL', async () => {
      const res = await send(h.url, r2c('/http:/x'));
      expect(res.status).toBe(200);
      expect(only(tool).url).toBe('/tool-prefix/http:/x');
      expect(tool2.requests).toHaveLength(0);
    });

    it('x-openapi-address naming an addressExtensions entry → that address (its prefix kept), with the credentials', async () => {
      const res = await send(h.url, r2c('/via-extension?q=1'));
      expect(res.status).toBe(200);
      expect(text(res)).toBe('{"tool":2}');
      const got = only(tool2);
      expect(got.url).toBe('/ext-prefix/via-extension?q=1');
      expect(got.headers.authorization).toBe(basic('r2-user', 'r2-password-value'));
      expect(tool.requests).toHaveLength(0);
    });

    it('x-openapi-address holding a full URL → used as is (its prefix kept), with the credentials', async () => {
      const res = await send(h.url, r2c('/via-url'));
      expect(res.status).toBe(200);
      const got = only(tool2);
      expect(got.url).toBe('/from-url/via-url');
      expect(got.headers.authorization).toBe(basic('r2-user', 'r2-password-value'));
      expect(tool.requests).toHaveLength(0);
    });

    it.each([
      ['an unknown extension name', '/via-unknown-name', 'no-such-extension'],
      ['a URL that is not http(s)', '/via-bad-url', 'ftp://127.0.0.1/files'],
    ])('x-openapi-address with %s → 400 Status, nothing forwarded', async (_label, apiPath, address) => {
      const res = await send(h.url, r2c(apiPath));
      const status = expectStatus(res, 400, 'BadRequest');
      expect(status.message).toContain(address);
      expect(tool.requests).toHaveLength(0);
      expect(tool2.requests).toHaveLength(0);
    });
  });

  describe('tool answers are relayed unchanged', () => {
    it("the tool's own 401 comes back as the tool sent it: code, JSON body and custom headers", async () => {
      const body = '{"message":"401 Unauthorized","tool_specific":[1,2]}';
      toolScript = () => ({ status: 401, headers: { 'content-type': 'application/json', 'x-tool-header': 'kept-as-is', 'www-authenticate': 'Bearer realm="tool"' }, body });
      const res = await send(h.url, r2c('/api/v4/user'));
      expect(res.status).toBe(401);
      expect(text(res)).toBe(body);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.headers['x-tool-header']).toBe('kept-as-is');
      expect(res.headers['www-authenticate']).toBe('Bearer realm="tool"');
      expect(only(tool).url).toBe('/tool-prefix/api/v4/user');
    });

    it("the tool's own 403 and 500 bodies are not turned into a Status", async () => {
      for (const [code, body] of [[403, '{"message":"403 Forbidden"}'], [500, 'tool exploded (plain text)']] as const) {
        toolScript = () => ({ status: code, headers: { 'content-type': code === 500 ? 'text/plain' : 'application/json' }, body });
        const res = await send(h.url, r2c('/api/v4/projects/special'));
        expect(res.status).toBe(code);
        expect(text(res)).toBe(body);
      }
    });

    it('a bare JSON array from the tool is not normalised and not paged, even with page/itemsPerPage', async () => {
      const body = '[{"id":1},{"id":2},{"id":3}]';
      toolScript = () => ({ body });
      const res = await send(h.url, r2c('/api/v4/projects?page=1&itemsPerPage=1'));
      expect(res.status).toBe(200);
      expect(text(res)).toBe(body);
      expect(only(tool).url).toBe('/tool-prefix/api/v4/projects?page=1&itemsPerPage=1');
    });

    it('a compressed answer is relayed as the tool encoded it (not decoded, not normalised)', async () => {
      const gz = gzipSync(Buffer.from('[{"id":1}]'));
      toolScript = () => ({ headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gz });
      const res = await send(h.url, r2c('/api/v4/projects'), { headers: { 'accept-encoding': 'gzip' } });
      expect(res.status).toBe(200);
      expect(res.headers['content-encoding']).toBe('gzip');
      expect(res.body.equals(gz)).toBe(true);
      expect(gunzipSync(res.body).toString('utf8')).toBe('[{"id":1}]');
    });

    it('page/itemsPerPage are the tool\'s business on `proxy` (not validated), ours on `api` (400 when invalid)', async () => {
      const toTool = await send(h.url, r2c('/api/v4/projects?page=abc&itemsPerPage=-1'));
      expect(toTool.status).toBe(200);
      expect(only(tool).url).toBe('/tool-prefix/api/v4/projects?page=abc&itemsPerPage=-1');
      const toApi = await send(h.url, r2c('/git/gitrefs?page=abc&itemsPerPage=-1'));
      expectStatus(toApi, 400, 'BadRequest');
      expect(classApi.requests).toHaveLength(0);
    });

    it('HEAD and OPTIONS reach the tool as HEAD and OPTIONS, with its headers relayed', async () => {
      for (const method of ['HEAD', 'OPTIONS']) {
        tool.reset();
        toolScript = () => ({ headers: { 'content-type': 'application/json', allow: 'GET, POST, HEAD', 'x-total': '42' }, body: '{"tool":1}' });
        const res = await send(h.url, r2c('/api/v4/projects'), { method });
        expect(res.status).toBe(200);
        expect(res.headers['x-total']).toBe('42');
        expect(res.headers.allow).toBe('GET, POST, HEAD');
        expect(res.body.toString('utf8')).toBe(method === 'HEAD' ? '' : '{"tool":1}');
        const got = only(tool);
        expect(got.method).toBe(method);
        expect(got.url).toBe('/tool-prefix/api/v4/projects');
      }
      expect(classApi.requests).toHaveLength(0);
    });

    it.each(['tool', 'class API'])('the answer carries our X-Request-Id, never the one the %s answered with', async (which) => {
      const theirs = { 'content-type': 'application/json', 'x-request-id': 'upstream-own-id' };
      if (which === 'tool') toolScript = () => ({ headers: theirs, body: '{"tool":1}' });
      else classScript = () => ({ headers: theirs, body: '[]' });
      const res = await send(h.url, r2c(which === 'tool' ? '/api/v4/projects' : '/git/gitrefs'), { headers: { 'x-request-id': 'client-id-7' } });
      expect(res.status).toBe(200);
      expect(res.headers['x-request-id']).toBe('client-id-7');
      expect(only(which === 'tool' ? tool : classApi).headers['x-request-id']).toBe('client-id-7');
    });

    it('counts both dispatch kinds of the /path/ route in the metrics, with the class as the only name', async () => {
      expect((await send(h.url, r2c('/api/v4/projects'))).status).toBe(200);
      classScript = () => ({ body: '[]' });
      expect((await send(h.url, r2c('/git/gitrefs'))).status).toBe(200);
      const metrics = (await send(h.url, '/metrics')).body.toString('utf8');
      expect(metrics).toMatch(new RegExp(`connectors_api_requests_total\\{route="path",dispatch="proxy",connectorclass="${CLASS}",code="200"\\} [1-9]`));
      expect(metrics).toMatch(new RegExp(`connectors_api_requests_total\\{route="path",dispatch="api",connectorclass="${CLASS}",code="200"\\} [1-9]`));
      expect(metrics).toMatch(/connectors_api_upstream_duration_seconds_count\{dispatch="proxy",code="200"\} [1-9]/);
      expect(metrics).not.toMatch(/api\/v4|gitrefs|team-a/);
    });

    it('a tool that breaks off mid-body aborts the client connection instead of ending it as complete', async () => {
      toolScript = () => ({ headers: { 'content-type': 'application/octet-stream' }, body: Buffer.alloc(256 * 1024, 7), destroy: 'mid-body' });
      const res = await send(h.url, r2c('/api/v4/projects/1/archive'));
      expect(res.status).toBe(200);
      expect(res.complete).toBe(false);
      expect(res.body.length).toBeLessThan(256 * 1024);
    });

    it('a non-JSON answer is streamed: the first chunk reaches the client before the tool has finished', async () => {
      const { port } = new URL(h.url);
      const received = await new Promise<{ body: string; firstBeforeEnd: boolean; headers: http.IncomingHttpHeaders; status: number }>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port, path: r2('team-a', 'streamer', '/archive.txt'), headers: { authorization: `Bearer ${ALICE}` }, agent: false });
        const timer = setTimeout(() => req.destroy(new Error('no answer in 5 s')), 5000);
        req.on('error', (err) => (clearTimeout(timer), reject(err)));
        req.on('response', (res) => {
          let body = '';
          let firstBeforeEnd = false;
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            body += chunk;
            if (body.includes('first-chunk') && streamer.releasedBy() === undefined) {
              firstBeforeEnd = true;
              streamer.release();
            }
          });
          res.on('end', () => (clearTimeout(timer), resolve({ body, firstBeforeEnd, headers: res.headers, status: res.statusCode ?? 0 })));
        });
        req.end();
      });
      expect(received.status).toBe(200);
      expect(received.firstBeforeEnd).toBe(true);
      expect(streamer.releasedBy()).toBe('client');
      expect(received.body).toBe('first-chunk\nsecond-chunk\n');
      expect(received.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(received.headers['x-tool-stream']).toBe('yes');
    });
  });

  describe("the service's own failures reaching the tool", () => {
    it('tool not listening → 503 Status ServiceUnavailable', async () => {
      const res = await send(h.url, r2('team-a', 'down', '/api/v4/projects'));
      const status = expectStatus(res, 503, 'ServiceUnavailable');
      expect(status.message).toMatch(/tool/);
    });

    it('tool slower than UPSTREAM_TIMEOUT_MS → 504 Status Timeout, without waiting for the tool', async () => {
      toolScript = () => ({ delayMs: UPSTREAM_TIMEOUT_MS * 3, body: '{"late":true}' });
      const res = await send(h.url, r2c('/slow'));
      expectStatus(res, 504, 'Timeout');
      expect(res.elapsedMs).toBeLessThan(UPSTREAM_TIMEOUT_MS * 2.5);
    });
  });

  describe('what the tool receives', () => {
    const hostile: http.OutgoingHttpHeaders = {
      cookie: 'session=client-cookie-value',
      'proxy-authorization': 'Basic Y2xpZW50OnByb3h5',
      'impersonate-user': 'system:admin',
      'impersonate-group': 'system:masters',
      'impersonate-extra-scopes': 'all',
      'x-forwarded-for': '10.0.0.1',
      'x-forwarded-host': 'evil.example.com',
      'x-forwarded-proto': 'https',
      forwarded: 'for=10.0.0.1',
      'x-remote-user': 'admin',
      'x-plugin-meta': b64('{"baseURL":"https://evil.example.com"}'),
      'x-plugin-secret': b64('{"token":"c3Bvb2Y="}'),
      'x-plugin-auth': b64('kubernetes.io/basic-auth'),
      'x-tool-custom': 'passes-through',
    };

    it.each([
      ['without Expect', {}],
      ['with Expect: 100-continue', { expect: '100-continue' }],
    ])("%s: the Connector's Basic credentials only; no X-Plugin-*, client credential, Cookie, Impersonate-* or X-Forwarded-*", async (_label, extra) => {
      const res = await send(h.url, r2c('/api/v4/projects/special'), { headers: { ...hostile, ...extra } });
      expect(res.status).toBe(200);
      const got = only(tool);
      expect(got.headers.authorization).toBe(basic('r2-user', 'r2-password-value'));
      expect(Object.keys(got.headers).filter((name) => FORBIDDEN_AT_TOOL.test(name))).toEqual([]);
      expect(got.headers['x-tool-custom']).toBe('passes-through'); // other client headers do reach the tool
    });

    it.each([
      ['kubernetes.io/basic-auth', 'cred-basic', basic('basic-user', 'basic-password-1')],
      ['any Secret with username and password (Opaque)', 'cred-userpass', basic('opaque-user', 'opaque-password-2')],
      ['connectors.cpaas.io/bearer-token', 'cred-bearer', 'Bearer bearer-token-value-3'],
      ['connectors.cpaas.io/gitlab-pat-auth', 'cred-pat', 'Bearer glpat-pat-token-value-4'],
      ['Opaque with a token key', 'cred-opaque', 'Bearer opaque-token-value-5'],
    ])('Secret %s (Connector %s) → the matching Authorization header', async (_type, name, expected) => {
      const res = await send(h.url, r2('team-a', name, '/api/v4/user'));
      expect(res.status).toBe(200);
      const got = only(tool);
      expect(got.url).toBe('/api/v4/user');
      expect(got.headers.authorization).toBe(expected);
    });

    it('no Secret → no Authorization header at all', async () => {
      const res = await send(h.url, r2('team-a', 'cred-none', '/api/v4/user'));
      expect(res.status).toBe(200);
      expect(only(tool).headers.authorization).toBeUndefined();
    });

    it('a kubernetes.io/ssh-auth Secret → 400 Status and no request to the tool', async () => {
      const res = await send(h.url, r2('team-a', 'cred-ssh', '/api/v4/user'));
      const status = expectStatus(res, 400, 'BadRequest');
      expect(status.message).toContain('ssh-auth');
      expect(tool.requests).toHaveLength(0);
    });
  });

  describe('scoped Connectors', () => {
    it('a Connector in kube-public is used by a user a RoleBinding there allows, with its own Secret', async () => {
      const res = await send(h.url, r2('kube-public', 'pub-tool', '/api/v4/projects'), { token: BOB });
      expect(res.status).toBe(200);
      const got = only(tool);
      expect(got.url).toBe('/public/api/v4/projects');
      expect(got.headers.authorization).toBe('Bearer kube-public-token-7');
    });

    it('alice, who has no grant in kube-public, gets 403 Status and nothing is forwarded', async () => {
      const res = await send(h.url, r2('kube-public', 'pub-tool', '/api/v4/projects'));
      const status = expectStatus(res, 403, 'Forbidden');
      expect(status.message).toBe(
        'connectors.connectors.alauda.io "pub-tool" is forbidden: User "alice" cannot get resource "connectors" in API group "connectors.alauda.io" in the namespace "kube-public"',
      );
      expect(tool.requests).toHaveLength(0);
    });
  });
});

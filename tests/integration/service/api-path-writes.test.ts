/**
 * Writes through route R2 `/connectors/v1alpha1/{ns}/{name}/path/{api-path}` (decisions.md "Routes and order of
 * checks", "Identity and permission"): 405 + Allow before authentication while
 * enable-connector-apis-write-passthrough is off; with it on, POST/PUT/PATCH/DELETE reach the tool (or the
 * ConnectorClass API for an `api` operation) with bodies streamed both ways; with enable-connector-apis-permissions
 * on, SAR #2 asks `connectors/apis/<class>` then `connectors/apis/<class><template>` with the method's verb.
 * Both flags are flipped in the ConfigMap while the service runs.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeObject } from '../../../emulator/index.js';
import { ALICE, BOB, decodeHeader, startHarness, waitFor, type Harness } from '../../helpers/harness.js';
import { send as rawSend, sendStrict, type Answer, type SendOptions } from '../../helpers/raw-client.js';
import { startRecordingUpstream, type RecordedRequest, type RecordingUpstream, type UpstreamReply } from '../../helpers/recording-upstream.js';
import { expectStatus } from '../../helpers/status-assertions.js';

/** The raw client with alice's token unless `token` says otherwise (null: no Authorization header). */
const send = (baseUrl: string, target: string, opts: Omit<SendOptions, 'hashOnly'> = {}): Promise<Answer> => rawSend(baseUrl, target, { ...opts, token: opts.token === undefined ? ALICE : opts.token });

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const r2 = (name: string, apiPath: string): string => `/connectors/v1alpha1/team-a/${name}/path${apiPath}`;
const w1 = (apiPath: string): string => r2('r2w1', apiPath);
const TOOL_AUTH = `Basic ${b64('writer:writer-password-1')}`;
const WRITES = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;
const RBAC = 'rbac.authorization.k8s.io/v1';
const CONNECTORS = 'connectors.alauda.io/v1alpha1';
const CLASS = 'r2w';
const WRITE_FLAG = 'enable-connector-apis-write-passthrough';
const PERMISSIONS_FLAG = 'enable-connector-apis-permissions';

function setFlags(h: Harness, data: Record<string, string>): void {
  const cm = h.emulator.store.get('v1', 'ConfigMap', 'connectors-system', 'connectors-config');
  if (!cm) throw new Error('no flags ConfigMap');
  h.emulator.store.update({ ...cm, data: { ...(cm.data as Record<string, string>), ...data } });
}

function only(upstream: RecordingUpstream): RecordedRequest {
  expect(upstream.requests.map((r) => `${r.method} ${r.url}`)).toHaveLength(1);
  return upstream.requests[0] as RecordedRequest;
}

function roleFor(user: string, name: string, rules: Record<string, unknown>[]): KubeObject[] {
  return [
    { apiVersion: RBAC, kind: 'Role', metadata: { name, namespace: 'team-a' }, rules },
    {
      apiVersion: RBAC, kind: 'RoleBinding', metadata: { name, namespace: 'team-a' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
    },
  ];
}

/** A tool that answers once the body is in and counts bytes as they arrive, to show an upload is streamed. */
interface CountingTool {
  url: string;
  received(): number;
  stop(): Promise<void>;
}

async function startCountingTool(): Promise<CountingTool> {
  let received = 0;
  const server = http.createServer((req, res) => {
    received = 0;
    const hash = createHash('sha256');
    req.on('data', (c: Buffer) => {
      received += c.length;
      hash.update(c);
    });
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ bytes: received, sha256: hash.digest('hex') })));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received: () => received,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('R2 /path/ writes: passthrough flag, bodies both ways, fine-grained permissions', () => {
  let h: Harness;
  let classApi: RecordingUpstream;
  let tool: RecordingUpstream;
  let counting: CountingTool;
  let toolScript: (req: RecordedRequest) => UpstreamReply = () => ({});
  let classScript: (req: RecordedRequest) => UpstreamReply = () => ({});

  beforeAll(async () => {
    classApi = await startRecordingUpstream((req) => classScript(req)); // enforces X-Plugin-Meta
    tool = await startRecordingUpstream((req) => toolScript(req), { enforcePluginMeta: false });
    counting = await startCountingTool();
    const openapi = {
      paths: {
        '/git/comments': { get: { 'x-provider-type': 'api' }, post: { 'x-provider-type': 'api' } },
        '/reads-api': { get: { 'x-provider-type': 'api' } },
        '/api/v4/projects': { get: { 'x-provider-type': 'proxy' }, post: { 'x-provider-type': 'proxy' } },
        '/api/v4/projects/{project_id}': { get: { 'x-provider-type': 'proxy' } },
        '/api/v4/projects/{project_id}/issues': { get: { 'x-provider-type': 'proxy' }, post: { 'x-provider-type': 'proxy' }, put: { 'x-provider-type': 'proxy' } },
      },
    };
    const objects: KubeObject[] = [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'connectors-config', namespace: 'connectors-system' }, data: { [WRITE_FLAG]: 'false', [PERMISSIONS_FLAG]: 'false', 'enable-custom-ca-certs': 'false' } },
      { apiVersion: CONNECTORS, kind: 'ConnectorClass', metadata: { name: CLASS }, spec: { api: { openapi } }, status: { api: { address: { url: `${classApi.url}/classapi` } } } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'r2w-basic', namespace: 'team-a' }, type: 'kubernetes.io/basic-auth', data: { username: b64('writer'), password: b64('writer-password-1') } },
      { apiVersion: CONNECTORS, kind: 'Connector', metadata: { name: 'r2w1', namespace: 'team-a' }, spec: { connectorClassName: CLASS, address: `${tool.url}/tool`, auth: { name: 'basicAuth', secretRef: { name: 'r2w-basic' } } } },
      { apiVersion: CONNECTORS, kind: 'Connector', metadata: { name: 'r2w-counting', namespace: 'team-a' }, spec: { connectorClassName: CLASS, address: counting.url } },
      // alice: get on every path of the class, nothing else
      ...roleFor('alice', 'r2w-alice-apis-get', [{ apiGroups: ['connectors.alauda.io'], resources: [`connectors/apis/${CLASS}`], verbs: ['get'] }]),
      // bob: may see r2w1, and create through one template path only
      ...roleFor('bob', 'r2w-bob-issues-writer', [
        { apiGroups: ['connectors.alauda.io'], resources: ['connectors'], resourceNames: ['r2w1'], verbs: ['get'] },
        { apiGroups: ['connectors.alauda.io'], resources: [`connectors/apis/${CLASS}/api/v4/projects/{project_id}/issues`], verbs: ['create'] },
      ]),
    ];
    h = await startHarness({ objects, env: { UPSTREAM_TIMEOUT_MS: '5000' } });
  });
  afterAll(async () => {
    await h?.stop();
    await Promise.all([classApi?.stop(), tool?.stop(), counting?.stop()]);
  });
  beforeEach(() => {
    classApi.reset();
    tool.reset();
    toolScript = () => ({ status: 201, headers: { 'content-type': 'application/json', 'x-tool': 'created' }, body: '{"created":true}' });
    classScript = () => ({});
  });

  describe('enable-connector-apis-write-passthrough, read live from the ConfigMap', () => {
    it('while the flag is off, every write gets 405 Status + Allow before any authentication, whatever the token', async () => {
      // A token never reviewed before: if authentication ran, a TokenReview would have to be created.
      const fresh = h.emulator.issueServiceAccountToken('team-a', 'r2w-never-reviewed');
      h.emulator.resetCounters();
      for (const method of WRITES) {
        for (const token of [ALICE, fresh, 'not-a-valid-token', null]) {
          for (const target of [w1('/api/v4/projects'), r2('does-not-exist', '/x')]) {
            const res = await send(h.url, target, { method, token, body: '{"a":1}', headers: { 'content-type': 'application/json' } });
            const status = expectStatus(res, 405, 'MethodNotAllowed');
            expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
            expect(status.message).toContain(method);
          }
        }
      }
      const counters = h.emulator.counters();
      expect(counters['create tokenreviews'] ?? 0).toBe(0);
      expect(counters['create subjectaccessreviews'] ?? 0).toBe(0);
      expect(tool.requests).toHaveLength(0);
      expect(classApi.requests).toHaveLength(0);
      // reads are never gated
      expect((await send(h.url, w1('/api/v4/projects'))).status).toBe(201);
      expect(only(tool).method).toBe('GET');
    });

    it('turning the flag on in the ConfigMap lets writes through without a restart', async () => {
      setFlags(h, { [WRITE_FLAG]: 'true' });
      await waitFor(async () => (await send(h.url, w1('/api/v4/projects'), { method: 'POST', body: '{}' })).status !== 405, 5000, 'the write flag to apply');
      tool.reset();
      const res = await send(h.url, w1('/api/v4/projects'), { method: 'POST', body: '{"name":"p"}', headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(201);
      expect(only(tool).body.toString('utf8')).toBe('{"name":"p"}');
    });
  });

  /** Idempotent, so each describe below also runs alone (jest -t). */
  async function writesOn(): Promise<void> {
    setFlags(h, { [WRITE_FLAG]: 'true' });
    await waitFor(async () => (await send(h.url, w1('/api/v4/projects'), { method: 'DELETE', token: null })).status !== 405, 5000, 'the write flag to apply');
  }

  describe('with enable-connector-apis-write-passthrough on', () => {
    beforeAll(writesOn);

    it.each(WRITES)('%s reaches the tool with its body, query and content type intact and the answer relayed unchanged', async (method) => {
      const body = JSON.stringify({ method, title: 'ünïcode body', nested: { n: [1, 2, 3] } });
      const target = w1('/api/v4/projects/devops%2Fdemo/labels?name=a%2Fb&x=1+2');
      const res = await send(h.url, target, { method, body, headers: { 'content-type': 'application/json; charset=utf-8', 'x-client-header': 'kept' } });
      expect(res.status).toBe(201);
      expect(res.body.toString('utf8')).toBe('{"created":true}');
      expect(res.headers['x-tool']).toBe('created');
      const got = only(tool);
      expect(got.method).toBe(method);
      expect(got.url).toBe('/tool/api/v4/projects/devops%2Fdemo/labels?name=a%2Fb&x=1+2');
      expect(got.body.toString('utf8')).toBe(body);
      expect(got.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(got.headers['x-client-header']).toBe('kept');
      expect(got.headers.authorization).toBe(TOOL_AUTH);
      expect(Object.keys(got.headers).filter((n) => /^x-plugin-/.test(n))).toEqual([]);
      expect(classApi.requests).toHaveLength(0);
    });

    it('a chunked DELETE body → 400 Status, nothing reaches the tool (http-proxy would send the chunks as a second request)', async () => {
      const res = await sendStrict(h.url, w1('/api/v4/projects/1'), {
        method: 'DELETE',
        body: '{"purge":true}',
        headers: { authorization: `Bearer ${ALICE}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      });
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body.toString('utf8'))).toMatchObject({ kind: 'Status', code: 400, message: 'a DELETE body must be sent with Content-Length' });
      expect(tool.requests).toHaveLength(0);
    });

    it("a write's client credentials, cookies and Impersonate-* never reach the tool, also with Expect: 100-continue", async () => {
      const res = await send(h.url, w1('/api/v4/projects'), {
        method: 'POST',
        body: '{"with":"expect"}',
        headers: { 'content-type': 'application/json', expect: '100-continue', cookie: 'sid=client-cookie-1', 'impersonate-user': 'system:admin', 'x-forwarded-for': '10.1.1.1', 'x-plugin-secret': b64('{"token":"spoof"}') },
      });
      expect(res.status).toBe(201);
      const got = only(tool);
      expect(got.body.toString('utf8')).toBe('{"with":"expect"}');
      expect(got.headers.authorization).toBe(TOOL_AUTH);
      expect(Object.keys(got.headers).filter((n) => /^(x-plugin-.*|impersonate-.*|x-forwarded-.*|cookie|expect)$/.test(n))).toEqual([]);
    });

    it('a ~10 MB random body reaches the tool intact and a large answer comes back intact', async () => {
      const upload = randomBytes(10 * 1024 * 1024 + 123);
      const download = randomBytes(12 * 1024 * 1024 + 7);
      toolScript = () => ({ status: 200, headers: { 'content-type': 'application/octet-stream' }, body: download });
      const res = await send(h.url, w1('/api/v4/projects/1/uploads'), { method: 'PUT', body: upload, headers: { 'content-type': 'application/octet-stream' }, timeoutMs: 15_000 });
      expect(res.status).toBe(200);
      expect(res.complete).toBe(true);
      expect(res.body.length).toBe(download.length);
      expect(sha256(res.body)).toBe(sha256(download));
      const got = only(tool);
      expect(got.body.length).toBe(upload.length);
      expect(sha256(got.body)).toBe(sha256(upload));
    });

    it('an upload is streamed: the tool receives the first bytes before the client has sent the rest', async () => {
      const { port } = new URL(h.url);
      const first = randomBytes(64 * 1024);
      const rest = randomBytes(256 * 1024);
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request({
          host: '127.0.0.1', port, method: 'POST', path: r2('r2w-counting', '/upload'), agent: false,
          headers: { authorization: `Bearer ${ALICE}`, 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' },
        });
        const timer = setTimeout(() => req.destroy(new Error('no answer in 8 s')), 8000);
        req.on('error', (err) => (clearTimeout(timer), reject(err)));
        req.on('response', (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => (clearTimeout(timer), resolve({ status: res.statusCode ?? 0, body })));
        });
        req.write(first);
        // A service that buffered the whole body would forward nothing until end(): this wait would time out.
        waitFor(() => counting.received() > 0, 3000, 'the tool to receive the first chunk').then(
          () => req.end(rest),
          (err: unknown) => (clearTimeout(timer), req.destroy(), reject(err)),
        );
      });
      expect(answer.status).toBe(200);
      const whole = Buffer.concat([first, rest]);
      expect(JSON.parse(answer.body)).toEqual({ bytes: whole.length, sha256: sha256(whole) });
    });

    it('an `api` write goes to the ConnectorClass API with X-Plugin-* headers, its body intact and its list normalised', async () => {
      classScript = () => ({ status: 200, body: '[{"id":7,"body":"hello"}]' });
      const body = '{"body":"hello"}';
      const res = await send(h.url, w1('/git/comments?repositoryUrl=https%3A%2F%2Fexample.com%2Fr'), { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body.toString('utf8'))).toEqual({ listMeta: { totalItems: 1 }, items: [{ id: 7, body: 'hello' }] });
      const got = only(classApi);
      expect(got.method).toBe('POST');
      expect(got.url).toBe('/classapi/git/comments?repositoryUrl=https%3A%2F%2Fexample.com%2Fr');
      expect(got.body.toString('utf8')).toBe(body);
      expect(decodeHeader(got.headers['x-plugin-meta'])).toBe(JSON.stringify({ baseURL: `${tool.url}/tool` }));
      expect(decodeHeader(got.headers['x-plugin-auth'])).toBe('kubernetes.io/basic-auth');
      expect(JSON.parse(decodeHeader(got.headers['x-plugin-secret']))).toEqual({ password: b64('writer-password-1'), username: b64('writer') });
      expect(got.headers.authorization).toBeUndefined();
      expect(tool.requests).toHaveLength(0);
    });

    it('a write on a template that declares no operation for the method goes to the tool', async () => {
      const res = await send(h.url, w1('/reads-api'), { method: 'PATCH', body: '{"p":1}', headers: { 'content-type': 'application/merge-patch+json' } });
      expect(res.status).toBe(201);
      const got = only(tool);
      expect(got.url).toBe('/tool/reads-api');
      expect(got.headers['content-type']).toBe('application/merge-patch+json');
      expect(classApi.requests).toHaveLength(0);
    });
  });

  describe('with enable-connector-apis-permissions on too (SAR #2 with the method verb)', () => {
    beforeAll(async () => {
      await writesOn();
      setFlags(h, { [PERMISSIONS_FLAG]: 'true' });
      // bob may get the Connector but holds no get on connectors/apis: once SAR #2 runs, his read is refused.
      await waitFor(async () => (await send(h.url, w1('/not-in-the-document'), { token: BOB })).status === 403, 5000, 'the permissions flag to apply');
    });

    it('a role granting only `get` on connectors/apis/<class> reads but cannot POST (403 Status naming the verb)', async () => {
      expect((await send(h.url, w1('/api/v4/projects'))).status).toBe(201);
      expect(only(tool).method).toBe('GET');
      tool.reset();
      for (const target of ['/api/v4/projects/devops%2Fdemo/issues', '/api/v4/projects']) {
        const res = await send(h.url, w1(target), { method: 'POST', body: '{"title":"t"}', headers: { 'content-type': 'application/json' } });
        const status = expectStatus(res, 403, 'Forbidden');
        expect(status.message).toBe(
          'connectors.connectors.alauda.io "r2w1" is forbidden: User "alice" cannot create resource "connectors/apis/r2w" in API group "connectors.alauda.io" in the namespace "team-a"',
        );
      }
      expect(tool.requests).toHaveLength(0);
    });

    it('a role granting `create` on connectors/apis/<class>/api/v4/projects/{project_id}/issues reaches that template and no other', async () => {
      const res = await send(h.url, w1('/api/v4/projects/devops%2Fdemo/issues'), { token: BOB, method: 'POST', body: '{"title":"from bob"}', headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(201);
      const got = only(tool);
      expect(got.url).toBe('/tool/api/v4/projects/devops%2Fdemo/issues');
      expect(got.body.toString('utf8')).toBe('{"title":"from bob"}');
      expect(got.headers.authorization).toBe(TOOL_AUTH);
      tool.reset();

      for (const [method, target, verb] of [
        ['POST', '/api/v4/projects', 'create'], // another template
        ['GET', '/api/v4/projects/devops%2Fdemo', 'get'], // another template, read
        ['GET', '/api/v4/projects/devops%2Fdemo/issues', 'get'], // the same template, a verb not granted
        ['PUT', '/api/v4/projects/devops%2Fdemo/issues', 'update'],
        ['POST', '/api/v4/projects/devops%2Fdemo/issues/1', 'create'], // matches no template: only form A counts
      ] as const) {
        const body = method === 'GET' ? undefined : '{"x":1}';
        const denied = await send(h.url, w1(target), { token: BOB, method, body });
        const status = expectStatus(denied, 403, 'Forbidden');
        expect(status.message).toBe(
          `connectors.connectors.alauda.io "r2w1" is forbidden: User "bob" cannot ${verb} resource "connectors/apis/r2w" in API group "connectors.alauda.io" in the namespace "team-a"`,
        );
      }
      expect(tool.requests).toHaveLength(0);
    });
  });

  describe('afterwards', () => {
    it('turning the write flag off again brings back 405 without a restart', async () => {
      setFlags(h, { [WRITE_FLAG]: 'false', [PERMISSIONS_FLAG]: 'false' });
      await waitFor(async () => (await send(h.url, w1('/api/v4/projects'), { method: 'DELETE', token: null })).status === 405, 5000, 'the write flag to turn off');
      tool.reset();
      const res = await send(h.url, w1('/api/v4/projects'), { method: 'POST', body: '{}' });
      expectStatus(res, 405, 'MethodNotAllowed');
      expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
      expect(tool.requests).toHaveLength(0);
    });
  });
});

/**
 * Errors never echo a Secret or a token (issue 4, "Secrets").
 *
 * 1. A ConnectorClass API that answers an error quoting the credentials it was given (X-Plugin-Secret, the
 *    Secret's values decoded, whatever Authorization it got): the Status relayed to the client is trimmed and
 *    contains none of them. On R1 and on R2 `api` dispatch (both normalise errors). Tool answers through R2
 *    `proxy` are relayed unchanged by decision (decisions.md "Responses": never reshaped), so for them only the
 *    caller's own token is checked: it never reaches the tool, so the tool cannot echo it.
 * 2. The service's own 400/401/403/404 never contain the caller's token, also when the caller put it in the
 *    path or the query; and neither does any log line.
 */
import type { KubeObject } from '../../../emulator/index.js';
import { ALICE, resourcesPath, startHarness, waitFor, type Harness } from '../../helpers/harness.js';
import { send, type Answer } from '../../helpers/fault-servers.js';
import type { RecordedRequest, UpstreamReply } from '../../helpers/recording-upstream.js';
import { expectStatus } from '../../helpers/status-assertions.js';
import { MAX_UPSTREAM_MESSAGE_LENGTH } from '../../../src/core/upstream-status.js';

const CONNECTORS = 'connectors.alauda.io/v1alpha1';
const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const unb64 = (text: string): string => Buffer.from(text, 'base64').toString('utf8');

/** The credentials a request carried, as the upstream could quote them. */
function credentialsOf(req: RecordedRequest): { pluginSecret: string; authorization: string; decodedValues: string[] } {
  const pluginSecret = String(req.headers['x-plugin-secret'] ?? '');
  const data = pluginSecret ? (JSON.parse(unb64(pluginSecret)) as Record<string, string>) : {};
  return { pluginSecret, authorization: String(req.headers.authorization ?? ''), decodedValues: Object.values(data).map(unb64) };
}

/** Upstream error answers that quote the credentials they received, chosen by the last path segment. */
function echoReply(req: RecordedRequest): UpstreamReply {
  const { pluginSecret, authorization, decodedValues } = credentialsOf(req);
  const what = req.url.split('?')[0]?.split('/').at(-1) ?? '';
  const quoted = `x-plugin-secret=${pluginSecret} authorization=${authorization} values=${decodedValues.join(',')}`;
  switch (what) {
    case 'echo-text':
      return { status: 500, headers: { 'Content-Type': 'text/plain' }, body: `upstream failed: ${quoted}` };
    case 'echo-json':
      return { status: 502, body: JSON.stringify({ message: `cannot log in with ${quoted}`, headers: req.headers }) };
    case 'echo-status':
      return { status: 401, body: JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Unauthorized', code: 401, message: `bad credentials: ${quoted}` }) };
    case 'echo-decoded':
      return { status: 403, headers: { 'Content-Type': 'text/plain' }, body: `user ${decodedValues[1] ?? ''} with password ${decodedValues[0] ?? ''} is not allowed` };
    case 'echo-long':
      return { status: 500, headers: { 'Content-Type': 'text/plain' }, body: `${quoted} ${'padding '.repeat(20_000)} ${quoted}` };
    case 'tool-echo':
      return { status: 500, headers: { 'Content-Type': 'text/plain' }, body: `tool saw authorization=${authorization} cookie=${String(req.headers.cookie ?? '')}` };
    default:
      return {};
  }
}

function expectNoneOf(text: string, forbidden: readonly string[]): void {
  const found = [...new Set(forbidden)].filter((f) => f.length >= 6 && text.includes(f));
  expect(found).toEqual([]);
}

describe('upstream error bodies that quote the injected credentials', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ enforcePluginMeta: false, reply: echoReply });
    const objects: KubeObject[] = [
      {
        apiVersion: CONNECTORS, kind: 'ConnectorClass', metadata: { name: 'sec' },
        spec: { api: { openapi: { paths: { '/classapi/{what}': { get: { 'x-provider-type': 'api' } }, '/tool/{what}': { get: { 'x-provider-type': 'proxy' } } } } } },
        status: { api: { address: { url: `${h.upstream.url}/api` } } },
      },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sec1-basic', namespace: 'team-a' }, type: 'kubernetes.io/basic-auth', data: { username: b64('sec-user-name'), password: b64('sec-password-value-42') } },
      { apiVersion: CONNECTORS, kind: 'Connector', metadata: { name: 'sec1', namespace: 'team-a' }, spec: { connectorClassName: 'sec', address: `${h.upstream.url}/toolbase`, auth: { name: 'basicAuth', secretRef: { name: 'sec1-basic' } } } },
    ];
    for (const obj of objects) h.emulator.store.upsert(obj);
    await waitFor(async () => (await send(h.url, '/connectors/v1alpha1/team-a/sec1/path/classapi/ok', { token: ALICE })).status === 200, 5000, 'sec1 to be served');
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(() => h.upstream.reset());

  /** Everything the answer must not contain: every known token and Secret value, and the header actually sent. */
  function forbidden(): string[] {
    const sent = h.upstream.requests.map(credentialsOf);
    return [...h.knownSecrets(), ...sent.map((s) => s.pluginSecret), ...sent.flatMap((s) => s.decodedValues), ...sent.map((s) => s.authorization.replace(/^(Basic|Bearer) /, ''))].filter((s) => s !== '');
  }

  const cases: [string, string, number, string][] = [
    ['500 text/plain quoting X-Plugin-Secret', 'echo-text', 500, 'InternalError'],
    ['502 JSON message quoting X-Plugin-Secret, with every header it got', 'echo-json', 502, ''],
    ['401 upstream Status whose message quotes X-Plugin-Secret', 'echo-status', 401, 'Unauthorized'],
    ['403 text quoting the decoded Secret values', 'echo-decoded', 403, 'Forbidden'],
    ['500 text of 160 KB quoting them at both ends', 'echo-long', 500, 'InternalError'],
  ];

  it.each(cases)('R1: %s → trimmed Status without any credential', async (_what, resource, code, reason) => {
    const res = await send(h.url, `${resourcesPath('team-a', 'git1', `errors/${resource}`)}?access_token=${ALICE}`, { token: ALICE });
    const status = expectStatus(res, code, reason);
    expect(h.upstream.requests).toHaveLength(1);
    expect(credentialsOf(h.upstream.requests[0] as RecordedRequest).pluginSecret).not.toBe(''); // git1 has a Secret: there was something to leak
    expect(status.message.length).toBeLessThanOrEqual(MAX_UPSTREAM_MESSAGE_LENGTH + 1);
    expectNoneOf(res.body.toString('utf8'), forbidden());
  });

  it.each(cases)('R2 `api` dispatch: %s → trimmed Status without any credential', async (_what, resource, code, reason) => {
    const res = await send(h.url, `/connectors/v1alpha1/team-a/sec1/path/classapi/${resource}`, { token: ALICE });
    const status = expectStatus(res, code, reason);
    expect(h.upstream.requests.map((r) => r.url)).toEqual([`/api/classapi/${resource}`]);
    expect(status.message.length).toBeLessThanOrEqual(MAX_UPSTREAM_MESSAGE_LENGTH + 1);
    expectNoneOf(res.body.toString('utf8'), forbidden());
  });

  it("R2 `proxy`: a tool's error is relayed unchanged (decisions.md), and it can never quote the caller's token or cookie", async () => {
    const res = await send(h.url, `/connectors/v1alpha1/team-a/sec1/path/tool/tool-echo?token=${ALICE}`, { token: ALICE, headers: { cookie: `session=${ALICE}` } });
    expect(res.status).toBe(500);
    expect(res.headers['content-type']).toBe('text/plain');
    expect(h.upstream.requests.map((r) => r.url)).toEqual([`/toolbase/tool/tool-echo?token=${ALICE}`]);
    const body = res.body.toString('utf8');
    expect(body).toMatch(/^tool saw authorization=Basic /); // the Connector's credential, which the tool owns
    expect(body).not.toContain(ALICE);
  });
});

describe("the service's own errors never contain the caller's token, even when it is in the path or the query", () => {
  let h: Harness;
  let jwt: string;
  beforeAll(async () => {
    h = await startHarness();
    jwt = h.emulator.issueServiceAccountToken('team-a', 'secrets-in-errors', { expiresInSeconds: 600 });
  });
  afterAll(async () => {
    // The log assertion below reports a token in the access log; clear so stop() checks only what follows.
    h?.logs.clear();
    await h?.stop();
  });

  const UNKNOWN = 'unknown-caller-token-0123456789abcdef';
  const expectTokenFree = (res: Answer, token: string) => expect(res.body.toString('utf8')).not.toContain(token);

  it('401: an unknown token, also repeated in the query and the path', async () => {
    const res = await send(h.url, `${resourcesPath('team-a', 'git1', `x/${UNKNOWN}`)}?access_token=${UNKNOWN}`, { token: UNKNOWN });
    expectStatus(res, 401, 'Unauthorized');
    expectTokenFree(res, UNKNOWN);
  });

  it('401: a valid token only in the query string and a cookie (ignored)', async () => {
    const res = await send(h.url, `${resourcesPath('team-a', 'git1', 'gitrefs')}?access_token=${ALICE}&token=${ALICE}`, { headers: { cookie: `token=${ALICE}` } });
    expectStatus(res, 401, 'Unauthorized');
    expectTokenFree(res, ALICE);
  });

  it('400: invalid page parameter holding the token', async () => {
    const res = await send(h.url, `${resourcesPath('team-a', 'git1', 'gitrefs')}?page=${ALICE}`, { token: ALICE });
    expectStatus(res, 400, 'BadRequest');
    expectTokenFree(res, ALICE);
  });

  it('400: a ServiceAccount JWT as the (invalid) Connector name', async () => {
    const res = await send(h.url, resourcesPath('team-a', jwt, 'gitrefs'), { token: jwt });
    expectStatus(res, 400, 'BadRequest');
    expectTokenFree(res, jwt);
  });

  it('400: traversal next to the token in the resource path', async () => {
    const res = await send(h.url, resourcesPath('team-a', 'git1', `${ALICE}/%2e%2e/x`), { token: ALICE });
    expectStatus(res, 400, 'BadRequest');
    expectTokenFree(res, ALICE);
  });

  it('400: the token inside an invalid namespace', async () => {
    const res = await send(h.url, resourcesPath(`${ALICE}_x`, 'git1', 'gitrefs'), { token: ALICE });
    expectStatus(res, 400, 'BadRequest');
    expectTokenFree(res, ALICE);
  });

  it('400: the token inside an invalid Connector name (R2)', async () => {
    const res = await send(h.url, `/connectors/v1alpha1/team-a/${ALICE}_x/path/api`, { token: ALICE });
    expectStatus(res, 400, 'BadRequest');
    expectTokenFree(res, ALICE);
  });

  it('403: the token as the namespace (a valid DNS label the caller has no rights in)', async () => {
    const res = await send(h.url, resourcesPath(ALICE, 'git1', 'gitrefs'), { token: ALICE });
    expectStatus(res, 403, 'Forbidden');
    expectTokenFree(res, ALICE);
  });

  it('404: the token as the Connector name', async () => {
    const res = await send(h.url, resourcesPath('team-a', ALICE, 'gitrefs'), { token: ALICE });
    expectStatus(res, 404, 'NotFound');
    expectTokenFree(res, ALICE);
  });

  it('no log line of all the above contains a token (the access log records the path)', async () => {
    const tokens = [ALICE, jwt, UNKNOWN];
    const leaking = h.logs.lines().filter((line) => tokens.some((t) => line.includes(t)));
    expect(leaking.map((l) => l.slice(0, 240))).toEqual([]);
  });
});

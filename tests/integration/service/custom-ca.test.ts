/**
 * TLS to tools with a private CA (decisions.md "R2 proxy dispatch", spec §8): while enable-custom-ca-certs is not
 * "true" only the system roots are trusted; while it is, also every Secret in POD_NAMESPACE labelled
 * connectors.cpaas.io/ca-cert=true and the Connector's own caCertSecretRef (its namespace only). The flag and the
 * Secrets are watched: every change below applies to the running service. The tool is an HTTPS server on
 * 127.0.0.1 whose certificate a CA generated here signed.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { generateServingTls } from '../../../emulator/tls.js';
import type { KubeObject } from '../../../emulator/index.js';
import { ALICE, startHarness, waitFor, type Harness } from '../../helpers/harness.js';
import { expectStatus } from '../../helpers/status-assertions.js';

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** GET `target` with alice's token, bounded in time. */
function get(baseUrl: string, target: string): Promise<RawAnswer> {
  const { port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: target, headers: { authorization: `Bearer ${ALICE}` }, agent: false });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within 5 s for ${target}`)), 5000);
    req.on('error', (err) => (clearTimeout(timer), reject(err)));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err) => (clearTimeout(timer), reject(err)));
      res.on('end', () => (clearTimeout(timer), resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) })));
    });
    req.end();
  });
}

interface HttpsTool {
  url: string;
  requests: { url: string; authorization: string | undefined }[];
  /** One entry per TLS connection accepted: whether it resumed an earlier session (no full handshake). */
  connections: boolean[];
  stop(): Promise<void>;
}

async function startHttpsTool(certPem: string, keyPem: string): Promise<HttpsTool> {
  const requests: HttpsTool['requests'] = [];
  const connections: boolean[] = [];
  const server = https.createServer({ cert: certPem, key: keyPem }, (req, res) => {
    requests.push({ url: req.url ?? '', authorization: req.headers.authorization });
    req.resume();
    // ?close=1: the tool closes the connection after answering, so the next request needs a new one
    const closing = req.url?.includes('close=1') ?? false;
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', ...(closing ? { connection: 'close' } : {}) }).end('{"tls":"ok"}'));
  });
  server.on('secureConnection', (socket) => connections.push(socket.isSessionReused()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    requests,
    connections,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const CA_LABEL = 'connectors.cpaas.io/ca-cert';
const FLAG = 'enable-custom-ca-certs';
const CONNECTORS = 'connectors.alauda.io/v1alpha1';
const r2 = (name: string): string => `/connectors/v1alpha1/team-a/${name}/path/api/v4/user?x=1`;

function setFlags(h: Harness, data: Record<string, string>): void {
  const cm = h.emulator.store.get('v1', 'ConfigMap', 'connectors-system', 'connectors-config');
  if (!cm) throw new Error('no flags ConfigMap');
  h.emulator.store.update({ ...cm, data: { ...(cm.data as Record<string, string>), ...data } });
}

function connector(name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: CONNECTORS, kind: 'Connector', metadata: { name, namespace: 'team-a' }, spec: { connectorClassName: 'r2-tls', ...spec } };
}

/** The 503 the service answers when it could not verify the tool's certificate. */
function expectTlsFailure(res: RawAnswer): void {
  const status = expectStatus(res, 503, 'ServiceUnavailable');
  expect(status.message).toMatch(/TLS failure/);
}

describe('custom CA certificates for TLS to tools (enable-custom-ca-certs)', () => {
  let h: Harness;
  let tool: HttpsTool;
  let caPem: string;
  const statusOf = async (name: string): Promise<number> => (await get(h.url, r2(name))).status;

  /** The CA Secret in the install namespace, created or updated with or without the label. */
  function putGlobalCa(labelled: boolean): void {
    h.emulator.store.upsert({
      apiVersion: 'v1', kind: 'Secret', type: 'Opaque',
      metadata: { name: 'tool-ca-global', namespace: 'connectors-system', labels: labelled ? { [CA_LABEL]: 'true' } : {} },
      // a PEM value under a key that is not *.crt/*.pem counts too; the other key is skipped
      data: { bundle: b64(caPem), note: b64('not a certificate') },
    });
  }

  beforeAll(async () => {
    const tls = await generateServingTls();
    caPem = tls.caPem;
    tool = await startHttpsTool(tls.certPem, tls.keyPem);
    const base = `${tool.url}/base`;
    const caSecret = (namespace: string, name: string, key: string, labels: Record<string, string> = {}): KubeObject => ({
      apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name, namespace, labels }, data: { [key]: b64(caPem) },
    });
    const objects: KubeObject[] = [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'connectors-config', namespace: 'connectors-system' }, data: { [FLAG]: 'false', 'enable-connector-apis-permissions': 'false', 'enable-connector-apis-write-passthrough': 'false' } },
      { apiVersion: CONNECTORS, kind: 'ConnectorClass', metadata: { name: 'r2-tls' }, spec: {} },
      // no CA of its own
      connector('tls-plain', { address: base }),
      // its own CA in its own namespace, and a token to show the credentials travel over the verified TLS
      caSecret('team-a', 'tool-ca', 'ca.crt'),
      { apiVersion: 'v1', kind: 'Secret', type: 'connectors.cpaas.io/bearer-token', metadata: { name: 'tls-own-token', namespace: 'team-a' }, data: { token: b64('tls-tool-token-1') } },
      connector('tls-own', { address: base, caCertSecretRef: { name: 'tool-ca' }, auth: { name: 'tokenAuth', secretRef: { name: 'tls-own-token' } } }),
      // a reference naming a Secret that exists only in another namespace: must not be used
      caSecret('kube-public', 'ca-elsewhere', 'ca.pem'),
      connector('tls-elsewhere', { address: base, caCertSecretRef: { name: 'ca-elsewhere', namespace: 'kube-public' } }),
      // labelled, but outside the install namespace: must not join the global pool
      caSecret('team-a', 'labelled-outside-install-ns', 'ca.pem', { [CA_LABEL]: 'true' }),
    ];
    h = await startHarness({ objects });
  });
  afterAll(async () => {
    await h?.stop();
    await tool?.stop();
  });
  beforeEach(() => void tool.requests.splice(0));

  it('flag off: a private-CA tool is refused with 503 Status naming a TLS failure, even with a caCertSecretRef', async () => {
    for (const name of ['tls-plain', 'tls-own', 'tls-elsewhere']) expectTlsFailure(await get(h.url, r2(name)));
    expect(tool.requests).toHaveLength(0);
  });

  it('flag on + a labelled CA Secret in the install namespace → the tool is reached', async () => {
    setFlags(h, { [FLAG]: 'true' });
    putGlobalCa(true);
    await waitFor(async () => (await statusOf('tls-plain')) === 200, 5000, 'the labelled CA to be trusted');
    tool.requests.splice(0);
    const res = await get(h.url, r2('tls-plain'));
    expect(res.status).toBe(200);
    expect(res.body.toString('utf8')).toBe('{"tls":"ok"}');
    expect(tool.requests).toEqual([{ url: '/base/api/v4/user?x=1', authorization: undefined }]);
  });

  it('removing the label makes the tool untrusted again within a few seconds', async () => {
    setFlags(h, { [FLAG]: 'true' });
    putGlobalCa(false);
    await waitFor(async () => (await statusOf('tls-plain')) === 503, 5000, 'the unlabelled CA to stop being trusted');
    tool.requests.splice(0);
    expectTlsFailure(await get(h.url, r2('tls-plain')));
    expect(tool.requests).toHaveLength(0);
  });

  it("flag on + the Connector's caCertSecretRef in its own namespace → reached, for that Connector only", async () => {
    setFlags(h, { [FLAG]: 'true' });
    putGlobalCa(false);
    await waitFor(async () => (await statusOf('tls-own')) === 200, 5000, 'the caCertSecretRef CA to be trusted');
    tool.requests.splice(0);
    const res = await get(h.url, r2('tls-own'));
    expect(res.status).toBe(200);
    expect(tool.requests).toEqual([{ url: '/base/api/v4/user?x=1', authorization: 'Bearer tls-tool-token-1' }]);
    // another Connector to the same tool does not inherit it, and the CA Secret labelled in team-a (in the
    // service's cache) is not part of the global pool
    expect(h.service.cache.secret('team-a', 'labelled-outside-install-ns')).toBeDefined();
    tool.requests.splice(0);
    expectTlsFailure(await get(h.url, r2('tls-plain')));
    expect(tool.requests).toHaveLength(0);
  });

  it('a caCertSecretRef naming a Secret in another namespace is not used', async () => {
    setFlags(h, { [FLAG]: 'true' });
    putGlobalCa(false);
    // the flag is in effect (tls-own answers 200) and the other namespace's Secret is in the service's cache
    await waitFor(async () => (await statusOf('tls-own')) === 200, 5000, 'the flag to apply');
    expect(h.service.cache.secret('kube-public', 'ca-elsewhere')).toBeDefined();
    tool.requests.splice(0);
    expectTlsFailure(await get(h.url, r2('tls-elsewhere')));
    expect(tool.requests).toHaveLength(0);
  });

  it('a new connection to a tool resumes the TLS session of the previous one (no full handshake)', async () => {
    setFlags(h, { [FLAG]: 'true' });
    putGlobalCa(false);
    await waitFor(async () => (await statusOf('tls-own')) === 200, 5000, 'the caCertSecretRef CA to be trusted');
    const closing = `/connectors/v1alpha1/team-a/tls-own/path/api/v4/user?close=1`;
    // Each answer closes its connection: two of them use up whatever kept-alive connection the pool held.
    for (let i = 0; i < 2; i++) expect((await get(h.url, closing)).status).toBe(200);
    tool.connections.splice(0);
    for (let i = 0; i < 2; i++) expect((await get(h.url, closing)).status).toBe(200);
    expect(tool.connections).toEqual([true, true]); // two new connections, both resumed
  });

  it('flag flipped back off → refused again (503 TLS), with every CA Secret still in place', async () => {
    putGlobalCa(true);
    setFlags(h, { [FLAG]: 'true' });
    await waitFor(async () => (await statusOf('tls-plain')) === 200, 5000, 'the labelled CA to be trusted again');
    setFlags(h, { [FLAG]: 'false' });
    await waitFor(async () => (await statusOf('tls-own')) === 503, 5000, 'the flag to turn off');
    tool.requests.splice(0);
    for (const name of ['tls-plain', 'tls-own']) expectTlsFailure(await get(h.url, r2(name)));
    expect(tool.requests).toHaveLength(0);
  });
});

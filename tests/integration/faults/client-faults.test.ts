/**
 * Client faults (issue 4, "Faults → Client"): a client that goes away mid-request (during a streamed upload) or
 * mid-response (during a slow download) must take the upstream request down with it, and leave nothing behind:
 * no server connection, no socket in the service's keep-alive agents, no half-open connection to the tool.
 *
 * The tool is reached through R2 with the write flag on (a ConnectorClass without OpenAPI → every path goes to
 * the tool at Connector.spec.address, with a bearer-token Secret). The harness runs the service in this process,
 * so `process.getActiveResourcesInfo()` counts its sockets (client and server ends of every loopback connection,
 * the emulator's watches included, which stay constant here).
 */
import http from 'node:http';
import type { KubeObject } from '../../../emulator/index.js';
import { ALICE, startHarness, waitFor, type Harness } from '../../helpers/harness.js';
import { send, startObservedTool, tcpSocketCount, type ObservedRequest, type ObservedTool } from '../../helpers/fault-servers.js';

const CONNECTORS = 'connectors.alauda.io/v1alpha1';
const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const r2 = (apiPath: string): string => `/connectors/v1alpha1/team-a/cf-tool/path${apiPath}`;
const ROUNDS = 5;

function connections(h: Harness): Promise<number> {
  return new Promise((resolve, reject) => h.service.server.server.getConnections((err, n) => (err ? reject(err) : resolve(n))));
}

/** The one request the tool saw for `path` (by prefix), once it has arrived. */
async function toolRequest(tool: ObservedTool, path: string): Promise<ObservedRequest> {
  let found: ObservedRequest | undefined;
  await waitFor(() => (found = tool.requests.find((r) => r.url.startsWith(path))) !== undefined, 3000, `the tool to receive ${path}`);
  return found as ObservedRequest;
}

function openRequest(h: Harness, method: string, target: string, headers: http.OutgoingHttpHeaders = {}): http.ClientRequest {
  const { port } = new URL(h.url);
  const req = http.request({ host: '127.0.0.1', port, path: target, method, headers: { authorization: `Bearer ${ALICE}`, ...headers }, agent: false });
  req.on('error', () => undefined); // we destroy it on purpose
  return req;
}

describe('clients that go away', () => {
  let h: Harness;
  let tool: ObservedTool;
  let baseline: { connections: number; tcp: number; toolOpen: number };

  beforeAll(async () => {
    tool = await startObservedTool();
    const objects: KubeObject[] = [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'connectors-config', namespace: 'connectors-system' }, data: { 'enable-connector-apis-write-passthrough': 'true' } },
      { apiVersion: CONNECTORS, kind: 'ConnectorClass', metadata: { name: 'cf' }, spec: {}, status: { api: { address: { url: `${tool.url}/class-api` } } } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cf-token', namespace: 'team-a' }, type: 'connectors.cpaas.io/bearer-token', data: { token: b64('client-faults-tool-token') } },
      { apiVersion: CONNECTORS, kind: 'Connector', metadata: { name: 'cf-tool', namespace: 'team-a' }, spec: { connectorClassName: 'cf', address: tool.url, auth: { name: 'tokenAuth', secretRef: { name: 'cf-token' } } } },
    ];
    // Long review TTLs: no TokenReview/SAR connection opens (and lingers) in the middle of a socket count.
    h = await startHarness({ objects, env: { AUTH_CACHE_ALLOW_TTL_MS: '300000', UPSTREAM_TIMEOUT_MS: '20000' } });
    // Warm: reviews cached, the agent holds its keep-alive socket to the tool. Then let the count settle.
    for (let i = 0; i < 2; i++) expect((await send(h.url, r2('/ping'), { token: ALICE })).status).toBe(200);
    const upload = await send(h.url, r2('/upload/warm'), { token: ALICE, method: 'POST', body: 'warm' });
    expect(upload.status).toBe(201);
    await waitFor(async () => (await connections(h)) === 0, 3000, 'client connections to close');
    await new Promise((r) => setTimeout(r, 200));
    baseline = { connections: await connections(h), tcp: tcpSocketCount(), toolOpen: tool.open() };
    expect(baseline.toolOpen).toBeLessThanOrEqual(1);
  });
  afterAll(async () => {
    await h?.stop();
    await tool?.stop();
  });
  beforeEach(() => tool.reset());

  async function expectNothingLeaked(): Promise<void> {
    await waitFor(async () => (await connections(h)) <= baseline.connections, 3000, 'server connections back to the baseline');
    await waitFor(() => tcpSocketCount() <= baseline.tcp, 3000, `TCP sockets back to the baseline (${baseline.tcp}, now ${tcpSocketCount()})`);
    // At most the one idle keep-alive socket of the agent: aborted requests must not leave theirs open.
    await waitFor(() => tool.open() <= Math.max(baseline.toolOpen, 1), 3000, `tool connections back to at most one (now ${tool.open()})`);
  }

  it(`a client that aborts mid-upload (chunked POST, ${ROUNDS} times) aborts the upstream request within 2 s, and nothing leaks`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      tool.reset();
      const req = openRequest(h, 'POST', r2(`/upload/${round}`), { 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' });
      let answered = false;
      req.on('response', () => (answered = true));
      req.write(Buffer.alloc(4096, 0x62));
      const seen = await toolRequest(tool, `/upload/${round}`);
      await waitFor(() => seen.received >= 4096, 3000, 'the first body bytes to reach the tool (the upload is streamed)');
      req.write(Buffer.alloc(1024, 0x63));
      await new Promise((r) => setTimeout(r, 50));
      const abortedAt = Date.now();
      req.destroy();
      await waitFor(() => seen.requestClosedAt !== undefined, 2000, 'the tool to see its request closed');
      expect(seen.complete).toBe(false);
      expect((seen.requestClosedAt as number) - abortedAt).toBeLessThan(2000);
      expect(answered).toBe(false);
      expect(seen.headers.authorization).toBe('Bearer client-faults-tool-token');
    }
    await expectNothingLeaked();
  });

  it(`a client that goes away mid-response (slow streamed download, ${ROUNDS} times) aborts the upstream response within 2 s, and nothing leaks`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      tool.reset();
      const req = openRequest(h, 'GET', r2(`/download/${round}`));
      const firstChunk = new Promise<void>((resolve) => req.on('response', (res) => res.once('data', () => resolve())));
      req.end();
      let gotFirst = false;
      void firstChunk.then(() => (gotFirst = true));
      await waitFor(() => gotFirst, 3000, 'the first chunk of the download');
      const seen = await toolRequest(tool, `/download/${round}`);
      const abortedAt = Date.now();
      req.destroy();
      await waitFor(() => seen.responseClosedAt !== undefined, 2000, 'the tool to see its response closed');
      expect(seen.responseFinished).toBe(false); // cut short, not streamed to the end for nobody
      expect((seen.responseClosedAt as number) - abortedAt).toBeLessThan(2000);
    }
    await expectNothingLeaked();
  });

  it(`a client that goes away while the service collects a JSON list to normalise (R1, ${ROUNDS} times) aborts the upstream response within 2 s, and nothing leaks`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      tool.reset();
      const req = openRequest(h, 'GET', `/connectors/v1alpha1/namespaces/team-a/connectors/cf-tool/resources/download/${round}`);
      let answered = false;
      req.on('response', () => (answered = true));
      req.end();
      const seen = await toolRequest(tool, `/class-api/download/${round}`);
      await new Promise((r) => setTimeout(r, 150)); // a few chunks collected, the list far from complete
      const abortedAt = Date.now();
      req.destroy();
      await waitFor(() => seen.responseClosedAt !== undefined, 2000, 'the class API to see its response closed');
      expect(seen.responseFinished).toBe(false);
      expect((seen.responseClosedAt as number) - abortedAt).toBeLessThan(2000);
      expect(answered).toBe(false);
      expect(seen.headers['x-plugin-meta']).toBeDefined();
    }
    await expectNothingLeaked();
  });

  it('a client that goes away while the request waits for the upstream (before any response header) aborts it too', async () => {
    tool.reset();
    // /upload answers only once the body has ended: a body that never ends keeps the upstream waiting.
    const req = openRequest(h, 'PUT', r2('/upload/waiting'), { 'content-length': '100' });
    req.write('x'.repeat(10));
    const seen = await toolRequest(tool, '/upload/waiting');
    req.destroy();
    await waitFor(() => seen.requestClosedAt !== undefined && seen.socketClosedAt !== undefined, 2000, 'the tool to see the request and its connection closed');
    expect(seen.complete).toBe(false);
    // Its access line is written once, with status 0: the connection ended before any answer.
    const accessLines = () => h.logs.lines().filter((l) => l.includes('"message":"request"') && l.includes('/upload/waiting'));
    await waitFor(() => accessLines().length > 0, 2000, 'the access line');
    await new Promise((r) => setTimeout(r, 50));
    expect(accessLines().map((l) => (JSON.parse(l) as { status: number }).status)).toEqual([0]);
    await expectNothingLeaked();
  });

  it('the service still serves normally afterwards, through the same agent', async () => {
    const res = await send(h.url, r2('/ping'), { token: ALICE });
    expect(res.status).toBe(200);
    expect(res.body.toString('utf8')).toBe('{"ok":true}');
    await expectNothingLeaked();
  });
});

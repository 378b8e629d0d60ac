import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import request from 'supertest';
import { generateServingTls, type ServingTls } from '../../../emulator/tls.js';
import { ALICE, BOB, resourcesPath, startHarness, waitFor, type Harness } from '../../helpers/harness.js';

const GIT1 = resourcesPath('team-a', 'git1', 'gitrefs');

describe('request ids, trace context and metrics', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(() => h.upstream.reset());

  it("keeps a valid client X-Request-Id, sends it upstream and logs it", async () => {
    const res = await request(h.url).get(GIT1).set('Authorization', `Bearer ${ALICE}`).set('X-Request-Id', 'req-123.abc');
    expect(res.headers['x-request-id']).toBe('req-123.abc');
    expect(h.upstream.requests[0]?.headers['x-request-id']).toBe('req-123.abc');
    await waitFor(() => h.logs.lines().some((l) => l.includes('"requestId":"req-123.abc"')), 2000, 'the access line');
    const line = JSON.parse(h.logs.lines().find((l) => l.includes('"requestId":"req-123.abc"')) as string);
    // The client's path (not the upstream's, which the proxy writes into req.url) and no query string.
    expect(line).toMatchObject({ message: 'request', method: 'GET', path: GIT1, status: 200, user: 'alice', connector: 'team-a/git1', dispatch: 'api', upstreamStatus: 200 });
  });

  it('replaces an invalid or missing X-Request-Id with a generated UUID, also on errors', async () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    const spoofed = await request(h.url).get(GIT1).set('Authorization', `Bearer ${ALICE}`).set('X-Request-Id', 'bad id with spaces');
    expect(spoofed.headers['x-request-id']).toMatch(uuid);
    expect(h.upstream.requests[0]?.headers['x-request-id']).toBe(spoofed.headers['x-request-id']);
    const unauthorized = await request(h.url).get(GIT1);
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers['x-request-id']).toMatch(uuid);
  });

  it('passes W3C traceparent through to the upstream unchanged', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await request(h.url).get(GIT1).set('Authorization', `Bearer ${ALICE}`).set('traceparent', traceparent).set('tracestate', 'vendor=1');
    expect(h.upstream.requests[0]?.headers.traceparent).toBe(traceparent);
    expect(h.upstream.requests[0]?.headers.tracestate).toBe('vendor=1');
  });

  it('serves Prometheus metrics by route, dispatch, ConnectorClass and code, with no user, token or raw path in any label', async () => {
    await request(h.url).get(GIT1).set('Authorization', `Bearer ${ALICE}`);
    await request(h.url).get(GIT1).set('Authorization', `Bearer ${BOB}`);
    await request(h.url).get(`${GIT1}-unique-path-xyz`).set('Authorization', `Bearer ${ALICE}`);
    const text = (await request(h.url).get('/metrics')).text;
    expect(text).toMatch(/connectors_api_requests_total\{route="resources",dispatch="api",connectorclass="git",code="200"\} [1-9]/);
    expect(text).toMatch(/connectors_api_requests_total\{route="resources",dispatch="none",connectorclass="",code="403"\} [1-9]/);
    expect(text).toMatch(/connectors_api_upstream_duration_seconds_count\{dispatch="api",code="200"\} [1-9]/);
    expect(text).toMatch(/connectors_api_request_duration_seconds_bucket\{le="[^"]+",route="resources",dispatch="api"\}/);
    expect(text).toMatch(/connectors_api_cache_lookups_total\{cache="token",result="(hit|miss)"\} [1-9]/);
    expect(text).toMatch(/connectors_api_cache_lookups_total\{cache="connector",result="hit"\} [1-9]/);
    expect(text).toMatch(/connectors_api_kube_api_calls_total\{kind="tokenreview",result="ok"\} [1-9]/);
    expect(text).toMatch(/connectors_api_kube_api_calls_total\{kind="list",result="ok"\} [1-9]/);
    expect(text).toMatch(/connectors_api_requests_in_flight [0-9]/);
    for (const leak of ['alice', 'bob', ALICE, BOB, 'unique-path-xyz', 'team-a']) expect(text).not.toContain(leak);
  });
});

describe('HTTPS certificate rotation', () => {
  let h: Harness;
  let dir: string;
  let first: ServingTls;
  let second: ServingTls;

  beforeAll(async () => {
    [first, second] = await Promise.all([generateServingTls(), generateServingTls()]);
    dir = await mkdtemp(path.join(tmpdir(), 'connectors-api-tls-'));
    await writeFile(path.join(dir, 'tls.crt'), first.certPem);
    await writeFile(path.join(dir, 'tls.key'), first.keyPem);
    h = await startHarness({ env: { TLS_CERT_FILE: path.join(dir, 'tls.crt'), TLS_KEY_FILE: path.join(dir, 'tls.key'), TLS_RELOAD_INTERVAL_MS: '100' } });
  });
  afterAll(async () => {
    await h?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  function healthz(agent: https.Agent, ca: string): Promise<{ status: number; fingerprint: string }> {
    return new Promise((resolve, reject) => {
      const req = https.get(`${h.url}/healthz`, { agent, ca }, (res) => {
        const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, fingerprint }));
      });
      req.on('error', reject);
    });
  }

  it('serves the renewed certificate to new connections without restarting or dropping established ones', async () => {
    // Both throwaway CAs share a subject name, so each client trusts exactly one of them.
    const kept = new https.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const before = await healthz(kept, first.caPem);
      expect(before.status).toBe(200);
      await expect(healthz(new https.Agent({ keepAlive: false }), second.caPem)).rejects.toThrow();
      await writeFile(path.join(dir, 'tls.key'), second.keyPem);
      await writeFile(path.join(dir, 'tls.crt'), second.certPem);
      let after: { status: number; fingerprint: string } | undefined;
      await waitFor(async () => {
        after = await healthz(new https.Agent({ keepAlive: false }), second.caPem).catch(() => undefined);
        return after !== undefined;
      }, 5000, 'the new certificate');
      expect(after?.status).toBe(200);
      expect(after?.fingerprint).not.toBe(before.fingerprint);
      // The established keep-alive connection still works and still shows the old certificate.
      const again = await healthz(kept, first.caPem);
      expect(again).toEqual(before);
      // A client trusting only the first CA can no longer open a new connection.
      await expect(healthz(new https.Agent({ keepAlive: false }), first.caPem)).rejects.toThrow();
    } finally {
      kept.destroy();
    }
  });
});

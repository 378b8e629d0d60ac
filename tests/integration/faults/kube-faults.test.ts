/**
 * Kubernetes API faults (issue 4, "Faults → Kubernetes API").
 *
 * Covered elsewhere and not repeated: API down at start (not ready, becomes ready on recovery), watch dropped,
 * stalled, and 410 Gone → re-list (tests/integration/service/cache-and-readiness.test.ts); a fresh token during an
 * outage → 503 (tests/integration/service/authenticate.test.ts).
 *
 * Here: the API going down after start (cached decisions serve until their TTL, then 503; tokens never seen →
 * 503, never 200; probes stay up; changes made during the outage are seen after it, without a 410), and slow
 * TokenReview/SubjectAccessReview calls bounded by KUBE_REVIEW_TIMEOUT_MS, injected by a transparent TCP proxy
 * that holds every byte the service sends to the API server.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmulator, type Emulator } from '../../../emulator/index.js';
import { loadConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/logger.js';
import { startService, type Service } from '../../../src/service.js';
import { ALICE, assertNoSecretsLogged, decodeHeader, EXAMPLES_DIR, resourcesPath, SERVICE_TOKEN, startHarness, waitFor, type Harness } from '../../helpers/harness.js';
import { send, startDelayProxy, type DelayProxy } from '../../helpers/fault-servers.js';
import { createCaptureTransport } from '../../helpers/log-capture.js';
import { startRecordingUpstream, type RecordingUpstream } from '../../helpers/recording-upstream.js';
import { expectStatus } from '../../helpers/status-assertions.js';

const CONNECTORS = 'connectors.alauda.io/v1alpha1';
const GIT1 = resourcesPath('team-a', 'git1', 'gitrefs');
const ALLOW_TTL_MS = 1500;

describe('the Kubernetes API goes down after start', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { AUTH_CACHE_ALLOW_TTL_MS: String(ALLOW_TTL_MS), AUTH_CACHE_DENY_TTL_MS: '500' } });
  });
  afterAll(async () => {
    await h?.emulator.resume();
    await h?.stop();
  });

  it('cached decisions serve until their TTL, then 503; unseen tokens get 503, never 200; probes stay 200; changes made meanwhile are seen after recovery', async () => {
    const neverSeenJwt = h.emulator.issueServiceAccountToken('team-a', 'never-seen', { expiresInSeconds: 600 });
    // Warm alice's TokenReview and SAR entries; they expire ALLOW_TTL_MS after being stored (before this answer).
    const warmed = await send(h.url, GIT1, { token: ALICE });
    expect(warmed.status).toBe(200);
    const cachedUntil = Date.now() + ALLOW_TTL_MS;
    h.upstream.reset();
    await h.emulator.pause();
    try {
      // Within the TTL: served from the cache although the API server refuses connections.
      expect(Date.now()).toBeLessThan(cachedUntil - 500); // enough margin for the request below to be inside the TTL
      const cached = await send(h.url, GIT1, { token: ALICE });
      expect(cached.status).toBe(200);
      expect(h.upstream.requests).toHaveLength(1);

      // Tokens this service never reviewed: a valid static token (carol) and a valid ServiceAccount JWT.
      for (const token of ['demo-carol-token', neverSeenJwt]) {
        const res = await send(h.url, GIT1, { token });
        expect(expectStatus(res, 503, 'ServiceUnavailable').message).toMatch(/Kubernetes API is unavailable/);
      }

      // Probes: the process serves, and the caches synced before the outage.
      expect((await send(h.url, '/healthz')).status).toBe(200);
      expect((await send(h.url, '/readyz')).status).toBe(200);

      // A Connector changed and one created while the API server is unreachable.
      const git1 = h.emulator.store.get(CONNECTORS, 'Connector', 'team-a', 'git1');
      if (!git1) throw new Error('no git1');
      h.emulator.store.update({ ...git1, spec: { ...(git1.spec as Record<string, unknown>), address: 'https://changed-during-outage.example.com' } });
      h.emulator.store.create({ apiVersion: CONNECTORS, kind: 'Connector', metadata: { name: 'born-during-outage', namespace: 'team-a' }, spec: { connectorClassName: 'git', address: 'https://born.example.com' } });

      // Past the TTL: the cached allow is gone and cannot be renewed → 503, never a stale 200.
      await new Promise((r) => setTimeout(r, Math.max(0, cachedUntil - Date.now()) + 150));
      const expired = await send(h.url, GIT1, { token: ALICE });
      expectStatus(expired, 503, 'ServiceUnavailable');
      expect(h.upstream.requests).toHaveLength(1); // nothing more was forwarded during the outage
      expect((await send(h.url, '/healthz')).status).toBe(200);
    } finally {
      await h.emulator.resume();
    }

    // After recovery: the reviews work again and the watches, resumed from their resourceVersion, bring the changes.
    await waitFor(async () => {
      h.upstream.reset();
      const res = await send(h.url, GIT1, { token: ALICE });
      return res.status === 200 && decodeHeader(h.upstream.requests.at(-1)?.headers['x-plugin-meta']) === '{"baseURL":"https://changed-during-outage.example.com"}';
    }, 5000, 'the change made during the outage');
    await waitFor(async () => (await send(h.url, resourcesPath('team-a', 'born-during-outage', 'gitrefs'), { token: ALICE })).status === 200, 5000, 'the Connector created during the outage');
    // The unseen token now authenticates (its SA has no RBAC: 403, proving the TokenReview was made).
    expectStatus(await send(h.url, GIT1, { token: neverSeenJwt }), 403, 'Forbidden');
  });
});

describe('slow TokenReview / SubjectAccessReview (a TCP proxy holds every byte sent to the API server for 3 s)', () => {
  let emulator: Emulator;
  let upstream: RecordingUpstream;
  let proxy: DelayProxy;
  let service: Service;
  let dir: string;
  const logs = createCaptureTransport();

  beforeAll(async () => {
    emulator = await startEmulator({ objectsDir: EXAMPLES_DIR });
    upstream = await startRecordingUpstream();
    const git = emulator.store.get(CONNECTORS, 'ConnectorClass', undefined, 'git');
    if (!git) throw new Error('no git class');
    emulator.store.update({ ...git, status: { api: { address: { url: `${upstream.url}/api` } } } });
    proxy = await startDelayProxy(Number(new URL(emulator.url).port));
    dir = await mkdtemp(path.join(tmpdir(), 'connectors-api-slow-reviews-'));
    const kubeconfig = path.join(dir, 'kubeconfig');
    // Same host (127.0.0.1, in the emulator's certificate), the proxy's port: TLS still verifies against the emulator CA.
    const viaProxy = emulator.kubeconfig(SERVICE_TOKEN).replace(emulator.url, `https://127.0.0.1:${proxy.port}`);
    expect(viaProxy).toContain(`https://127.0.0.1:${proxy.port}`);
    await writeFile(kubeconfig, viaProxy, { mode: 0o600 });
    const config = loadConfig([], {
      KUBECONFIG: kubeconfig,
      PORT: '0',
      HOST: '127.0.0.1',
      KUBE_REVIEW_TIMEOUT_MS: '500',
      WATCH_BACKOFF_INITIAL_MS: '50',
      WATCH_BACKOFF_MAX_MS: '500',
      SHUTDOWN_TIMEOUT_MS: '1000',
      LOG_LEVEL: 'debug',
    });
    service = await startService(config, createLogger(config.logLevel, [logs.transport]), { collectDefaultMetrics: false });
    await waitFor(() => service.cache.synced(), 10_000, 'caches to sync through the proxy');
  });
  afterAll(async () => {
    proxy?.setDelay(0);
    await service?.stop();
    await proxy?.stop();
    await upstream?.stop();
    await emulator?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
    assertNoSecretsLogged(logs.lines(), ['demo-alice-token', 'demo-bob-token', 'demo-carol-token', SERVICE_TOKEN]);
  });

  it('a slow TokenReview → 503 within about a second, never 200', async () => {
    proxy.setDelay(3000);
    try {
      const res = await send(service.server.url, GIT1, { token: ALICE, timeoutMs: 5000 });
      expect(expectStatus(res, 503, 'ServiceUnavailable').message).toMatch(/token could not be reviewed/);
      expect(res.elapsedMs).toBeGreaterThanOrEqual(450); // bounded by KUBE_REVIEW_TIMEOUT_MS, not failed at once
      expect(res.elapsedMs).toBeLessThan(1500);
      expect(upstream.requests).toHaveLength(0);
      expect((await send(service.server.url, '/healthz')).status).toBe(200);
    } finally {
      proxy.setDelay(0);
    }
  });

  it('a slow SubjectAccessReview (TokenReview already cached) → 503 within about a second', async () => {
    // Fast first: alice's TokenReview and her SAR for git1 get cached.
    await waitFor(async () => (await send(service.server.url, GIT1, { token: ALICE })).status === 200, 5000, 'a served request with a fast API server');
    upstream.reset();
    proxy.setDelay(3000);
    try {
      // git2 needs a SAR of its own; the TokenReview comes from the cache.
      const res = await send(service.server.url, resourcesPath('team-a', 'git2', 'gitrefs'), { token: ALICE, timeoutMs: 5000 });
      expect(expectStatus(res, 503, 'ServiceUnavailable').message).toMatch(/access could not be reviewed/);
      expect(res.elapsedMs).toBeGreaterThanOrEqual(450);
      expect(res.elapsedMs).toBeLessThan(1500);
      expect(upstream.requests).toHaveLength(0);
      // Cached decisions are not slowed down by the slow API server.
      const cached = await send(service.server.url, GIT1, { token: ALICE, timeoutMs: 5000 });
      expect(cached.status).toBe(200);
      expect(cached.elapsedMs).toBeLessThan(1000);
    } finally {
      proxy.setDelay(0);
    }
  });

  it('once the API server is fast again, the same requests succeed (a failed review is not cached)', async () => {
    await waitFor(async () => (await send(service.server.url, resourcesPath('team-a', 'git2', 'gitrefs'), { token: ALICE })).status === 200, 8000, 'reviews to succeed again');
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { startEmulator } from '../../../emulator/index.js';
import { loadConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/logger.js';
import { startService } from '../../../src/service.js';
import { ALICE, decodeHeader, EXAMPLES_DIR, resourcesPath, SERVICE_TOKEN, startHarness, waitFor, type Harness } from '../../helpers/harness.js';
import { createCaptureTransport } from '../../helpers/log-capture.js';

const GIT1 = resourcesPath('team-a', 'git1', 'gitrefs');

async function lastMeta(h: Harness): Promise<string> {
  const res = await request(h.url).get(GIT1).set('Authorization', `Bearer ${ALICE}`);
  expect(res.status).toBe(200);
  return decodeHeader(h.upstream.requests.at(-1)?.headers['x-plugin-meta']);
}

async function connectorWatchRestarts(h: Harness): Promise<number> {
  const metrics = await request(h.url).get('/metrics');
  const match = /connectors_api_watch_restarts_total\{resource="connectors"\} (\d+)/.exec(metrics.text);
  return Number(match?.[1] ?? 0);
}

function connector(h: Harness, name: string) {
  const obj = h.emulator.store.get('connectors.alauda.io/v1alpha1', 'Connector', 'team-a', name);
  if (!obj) throw new Error(`no connector ${name}`);
  return obj as typeof obj & { spec: Record<string, unknown> };
}

describe('watch-backed caches', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { WATCH_STALL_TIMEOUT_MS: '1000' }, bookmarkIntervalMs: 200 });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('serves requests without any Kubernetes GET or LIST once warm', async () => {
    await lastMeta(h);
    h.emulator.resetCounters();
    for (let i = 0; i < 5; i++) await lastMeta(h);
    const reads = Object.entries(h.emulator.counters()).filter(([k, n]) => /^(get|list) /.test(k) && n > 0);
    expect(reads).toEqual([]);
  });

  it('uses a Connector, Secret or ConnectorClass changed at run time within 3 s, without a restart', async () => {
    const c = connector(h, 'git1');
    h.emulator.store.update({ ...c, spec: { ...c.spec, address: 'https://changed.example.com' } });
    await waitFor(async () => (await lastMeta(h)) === '{"baseURL":"https://changed.example.com"}', 3000, 'the Connector change');

    const secret = h.emulator.store.get('v1', 'Secret', 'team-a', 'git1-basic');
    if (!secret) throw new Error('no secret');
    const password = Buffer.from('rotated-password-value').toString('base64');
    h.emulator.store.update({ ...secret, data: { ...(secret.data as Record<string, string>), password } });
    await waitFor(async () => {
      await lastMeta(h);
      return JSON.parse(decodeHeader(h.upstream.requests.at(-1)?.headers['x-plugin-secret'])).password === password;
    }, 3000, 'the Secret change');

    h.publishClassApi('git', `${h.upstream.url}/v2`);
    await waitFor(async () => {
      await lastMeta(h);
      return h.upstream.requests.at(-1)?.url === '/v2/gitrefs';
    }, 3000, 'the ConnectorClass change');
    h.publishClassApi('git', `${h.upstream.url}/api`);

    h.emulator.store.delete('connectors.alauda.io/v1alpha1', 'Connector', 'team-a', 'git2');
    await waitFor(async () => (await request(h.url).get(resourcesPath('team-a', 'git2', 'x')).set('Authorization', `Bearer ${ALICE}`)).status === 404, 3000, 'the deletion');
  });

  it('restarts a dropped watch and sees changes made meanwhile', async () => {
    h.emulator.dropWatches();
    const c = connector(h, 'git1');
    h.emulator.store.update({ ...c, spec: { ...c.spec, address: 'https://after-drop.example.com' } });
    await waitFor(async () => (await lastMeta(h)) === '{"baseURL":"https://after-drop.example.com"}', 3000, 'the change after a dropped watch');
  });

  it('re-lists after 410 Expired and sees changes made while the history was compacted', async () => {
    await h.emulator.pause();
    const c = connector(h, 'git1');
    h.emulator.store.update({ ...c, spec: { ...c.spec, address: 'https://after-410.example.com' } });
    h.emulator.compact();
    await h.emulator.resume();
    await waitFor(async () => (await lastMeta(h)) === '{"baseURL":"https://after-410.example.com"}', 5000, 'the re-list');
  });

  it('restarts a stalled watch (no events, no bookmarks) after the stall timeout', async () => {
    // Bookmarks every 200 ms keep healthy watches alive under the 1 s stall timeout; only the stall restarts them.
    const before = await connectorWatchRestarts(h);
    await new Promise((r) => setTimeout(r, 1200));
    expect(await connectorWatchRestarts(h)).toBe(before);
    h.emulator.stallWatches(true);
    const c = connector(h, 'git1');
    h.emulator.store.update({ ...c, spec: { ...c.spec, address: 'https://after-stall.example.com' } });
    await new Promise((r) => setTimeout(r, 1500));
    h.emulator.stallWatches(false);
    await waitFor(async () => (await lastMeta(h)) === '{"baseURL":"https://after-stall.example.com"}', 5000, 'the change after a stall');
    expect(await connectorWatchRestarts(h)).toBeGreaterThan(before);
  });
});

/** The backoff delays the informer of `resource` logged with each restart, in order. */
function restartDelays(lines: string[], resource: string): number[] {
  return lines
    .map((l) => JSON.parse(l) as { message?: string; resource?: string; backoffMs?: number })
    .filter((e) => e.message === 'watch restarting' && e.resource === resource)
    .map((e) => e.backoffMs as number);
}

describe('readiness', () => {
  it('answers /healthz at once, /readyz 503 until the caches sync, then 200 once the API server is reachable', async () => {
    const emulator = await startEmulator({ objectsDir: EXAMPLES_DIR });
    const dir = await mkdtemp(path.join(tmpdir(), 'connectors-api-ready-'));
    const kubeconfig = path.join(dir, 'kubeconfig');
    await emulator.writeKubeconfig(kubeconfig, SERVICE_TOKEN);
    await emulator.pause();
    const logs = createCaptureTransport();
    const config = loadConfig([], { KUBECONFIG: kubeconfig, PORT: '0', HOST: '127.0.0.1', WATCH_BACKOFF_INITIAL_MS: '50', WATCH_BACKOFF_MAX_MS: '200' });
    const service = await startService(config, createLogger('info', [logs.transport]), { collectDefaultMetrics: false });
    try {
      expect((await request(service.server.url).get('/healthz')).status).toBe(200);
      expect((await request(service.server.url).get('/readyz')).status).toBe(503);
      await waitFor(() => restartDelays(logs.lines(), 'connectors').length >= 4, 5000, 'four list retries');
      expect((await request(service.server.url).get('/readyz')).status).toBe(503);
      // Lists retry with bounded exponential backoff: 50, 100, 200 ms, then the 200 ms maximum.
      expect(restartDelays(logs.lines(), 'connectors').slice(0, 4)).toEqual([50, 100, 200, 200]);
      await emulator.resume();
      await waitFor(async () => (await request(service.server.url).get('/readyz')).status === 200, 5000, 'readiness');
      expect((await request(service.server.url).get('/healthz')).status).toBe(200);
    } finally {
      await service.stop();
      await emulator.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('listing in pages', () => {
  it('syncs more objects than one list page (500) and serves the last of them', async () => {
    const many = Array.from({ length: 1_100 }, (_, i) => ({
      apiVersion: 'connectors.alauda.io/v1alpha1',
      kind: 'Connector',
      metadata: { name: `many-${String(i).padStart(4, '0')}`, namespace: 'team-a' },
      spec: { connectorClassName: 'git', address: `https://git-${i}.example.com` },
    }));
    const h = await startHarness({ objects: many });
    try {
      // 1,104 Connectors (examples/cluster has 4 more) in pages of 500: three list calls, not one.
      expect(h.emulator.counters()['list connectors']).toBe(3);
      h.emulator.resetCounters();
      for (const name of ['many-0000', 'many-0599', 'many-1099']) {
        const res = await request(h.url).get(resourcesPath('team-a', name, 'gitrefs')).set('Authorization', `Bearer ${ALICE}`);
        expect([name, res.status]).toEqual([name, 200]);
      }
      expect(h.emulator.counters()['list connectors'] ?? 0).toBe(0);
    } finally {
      await h.stop();
    }
  });
});

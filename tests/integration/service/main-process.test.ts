import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmulator, type Emulator } from '../../../emulator/index.js';
import { generateServingTls } from '../../../emulator/tls.js';
import { ALICE, EXAMPLES_DIR, resourcesPath, SERVICE_TOKEN, waitFor } from '../../helpers/harness.js';
import { MAIN, requireBuiltMain, startMain } from '../../helpers/main-process.js';
import { startRecordingUpstream, type RecordingUpstream } from '../../helpers/recording-upstream.js';

function get(port: number, pathName: string, token?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: pathName, headers: token ? { authorization: `Bearer ${token}` } : {}, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

describe('the production entry point (node dist/main.js)', () => {
  let emulator: Emulator;
  let upstream: RecordingUpstream;
  let dir: string;
  let kubeconfig: string;

  beforeAll(async () => {
    requireBuiltMain();
    emulator = await startEmulator({ objectsDir: EXAMPLES_DIR });
    upstream = await startRecordingUpstream(async (req) => (req.url.includes('slow') ? { delayMs: 1500 } : {}));
    const git = emulator.store.get('connectors.alauda.io/v1alpha1', 'ConnectorClass', undefined, 'git');
    if (!git) throw new Error('no git class');
    emulator.store.update({ ...git, status: { api: { address: { url: `${upstream.url}/api` } } } });
    dir = await mkdtemp(path.join(tmpdir(), 'connectors-api-main-'));
    kubeconfig = path.join(dir, 'kubeconfig');
    await emulator.writeKubeconfig(kubeconfig, SERVICE_TOKEN);
  });
  afterAll(async () => {
    await upstream?.stop();
    await emulator?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('stops with exit code 2 and names the variable when the configuration is invalid', async () => {
    const main = startMain({ KUBECONFIG: kubeconfig, UPSTREAM_TIMEOUT_MS: 'soon' });
    expect(await main.exited).toBe(2);
    expect(main.output()).toContain('UPSTREAM_TIMEOUT_MS must be an integer');
  });

  it('logs the port it picked for PORT=0, serves, and on SIGTERM finishes in-flight requests, refuses new ones and exits 0', async () => {
    const main = startMain({ KUBECONFIG: kubeconfig, PORT: '0', HOST: '127.0.0.1', POD_NAMESPACE: 'connectors-system' });
    try {
      await waitFor(() => main.port() !== undefined, 10_000, 'the listening log line');
      const port = main.port() as number;
      await waitFor(async () => (await get(port, '/readyz')).status === 200, 10_000, 'readiness');
      for (const line of main.output().trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();

      const inFlight = Array.from({ length: 5 }, () => get(port, resourcesPath('team-a', 'git1', 'slow'), ALICE));
      await waitFor(() => upstream.requests.filter((r) => r.url.includes('slow')).length === 5, 5000, 'requests in flight');
      const signalledAt = Date.now();
      main.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 200));
      await expect(get(port, '/healthz')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      const answers = await Promise.all(inFlight);
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
      expect(await main.exited).toBe(0);
      expect(Date.now() - signalledAt).toBeLessThan(10_000);
      // What the real process wrote (its access lines included) never holds the caller's token.
      expect(main.output()).toContain('"message":"request"');
      expect(main.output()).not.toContain(ALICE);
    } finally {
      if (main.child.exitCode === null) main.child.kill('SIGKILL');
    }
  });

  it('an uncaught exception or an unhandled rejection is logged (credentials masked) and the process keeps serving', async () => {
    // Loaded into the real process with NODE_OPTIONS: on SIGUSR2 it throws from a callback and leaves a promise
    // rejected with no handler, the two faults the process-level guards are there for.
    const faults = path.join(dir, 'faults.mjs');
    await writeFile(
      faults,
      `process.on('SIGUSR2', () => {
        setImmediate(() => { throw new Error('thrown by a test with Bearer not-a-real-token-0123456789'); });
        setImmediate(() => { void Promise.reject(new Error('rejected by a test')); });
      });\n`,
    );
    const main = startMain({ KUBECONFIG: kubeconfig, PORT: '0', HOST: '127.0.0.1', POD_NAMESPACE: 'connectors-system', NODE_OPTIONS: `--import=${faults}` });
    try {
      await waitFor(() => main.port() !== undefined, 10_000, 'the listening log line');
      const port = main.port() as number;
      await waitFor(async () => (await get(port, '/readyz')).status === 200, 10_000, 'readiness');
      main.child.kill('SIGUSR2');
      await waitFor(() => main.output().includes('"message":"unhandled rejection"') && main.output().includes('"message":"uncaught exception"'), 5000, 'both faults to be logged');
      expect(main.output()).toContain('thrown by a test with Bearer [REDACTED]');
      expect(main.output()).toContain('rejected by a test');
      expect(main.output()).not.toContain('not-a-real-token-0123456789');
      expect(main.child.exitCode).toBeNull();
      expect((await get(port, resourcesPath('team-a', 'git1', 'gitrefs'), ALICE)).status).toBe(200);
      main.child.kill('SIGTERM');
      expect(await main.exited).toBe(0);
    } finally {
      if (main.child.exitCode === null) main.child.kill('SIGKILL');
    }
  });

  it('serves HTTPS with TLS 1.2 or newer when TLS_CERT_FILE and TLS_KEY_FILE are set', async () => {
    const tls = await generateServingTls();
    await writeFile(path.join(dir, 'tls.crt'), tls.certPem);
    await writeFile(path.join(dir, 'tls.key'), tls.keyPem);
    const main = startMain({ KUBECONFIG: kubeconfig, PORT: '0', HOST: '127.0.0.1', TLS_CERT_FILE: path.join(dir, 'tls.crt'), TLS_KEY_FILE: path.join(dir, 'tls.key') });
    try {
      await waitFor(() => main.port() !== undefined, 10_000, 'the listening log line');
      const port = main.port() as number;
      const fetchHealthz = (options: https.RequestOptions) =>
        new Promise<number>((resolve, reject) => {
          https.get({ host: '127.0.0.1', port, path: '/healthz', ca: tls.caPem, agent: false, ...options }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          }).on('error', reject);
        });
      expect(await fetchHealthz({})).toBe(200);
      await expect(fetchHealthz({ maxVersion: 'TLSv1.1', minVersion: 'TLSv1' })).rejects.toThrow();
      main.child.kill('SIGTERM');
      expect(await main.exited).toBe(0);
    } finally {
      if (main.child.exitCode === null) main.child.kill('SIGKILL');
    }
  });

  it('runs from a copy of dist/ alone, with no node_modules anywhere above it (as the image runs it)', async () => {
    const image = path.join(dir, 'image');
    await cp(path.dirname(MAIN), path.join(image, 'dist'), { recursive: true });
    expect((await readdir(path.join(image, 'dist'))).sort()).toEqual(['main.js', 'main.js.LEGAL.txt', 'main.js.map', 'package.json']);
    const main = startMain({ KUBECONFIG: kubeconfig, PORT: '0', HOST: '127.0.0.1', POD_NAMESPACE: 'connectors-system' }, path.join(image, 'dist', 'main.js'));
    try {
      await waitFor(() => main.port() !== undefined, 10_000, 'the listening log line');
      const port = main.port() as number;
      await waitFor(async () => (await get(port, '/readyz')).status === 200, 10_000, 'readiness');
      // The whole chain: TokenReview and SubjectAccessReview through client-node, the proxy, the normaliser.
      const answer = await get(port, resourcesPath('team-a', 'git1', 'gitrefs'), ALICE);
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toHaveProperty('listMeta');
      expect((await get(port, '/metrics')).body).toContain('connectors_api_requests_total');
      main.child.kill('SIGTERM');
      expect(await main.exited).toBe(0);
      expect(main.output()).not.toMatch(/Cannot find (module|package)|Dynamic require/);
    } finally {
      if (main.child.exitCode === null) main.child.kill('SIGKILL');
    }
  });
});

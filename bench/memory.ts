// `npm run bench:memory`: the emulator loaded with 10,000 Connectors, 1,000 ConnectorClasses and 10,000 Secrets
// (~200 bytes of data each); prints the time from starting `node dist/main.js` to /readyz 200 (target < 10 s) and
// the service's RSS when ready and after a few hundred requests to distinct Connectors (target ≤ 150 MB).
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import type { KubeObject } from '../emulator/index.js';
import { benchReaders, startCluster, startService } from './cluster.js';
import { memoryMb } from './proc-stats.js';
import { LOAD_CPU, pinSelf, runMain } from './processes.js';
import { startUpstream } from './upstream.js';

const CONNECTORS = 10_000;
const CLASSES = 1_000;
const NAMESPACES = 100;
const REQUESTS = 500;
const CONCURRENCY = 16;
const TOKEN = 'bench-memory-0';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const nsOf = (i: number) => `bench-${i % NAMESPACES}`;

function generatedObjects(classApiUrl: string): KubeObject[] {
  const objects: KubeObject[] = [];
  for (let n = 0; n < NAMESPACES; n++) objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: nsOf(n) } });
  for (let c = 0; c < CLASSES; c++) {
    objects.push({
      apiVersion: 'connectors.alauda.io/v1alpha1',
      kind: 'ConnectorClass',
      metadata: { name: `bench-class-${c}` },
      spec: {
        address: { name: 'address', type: 'string' },
        auth: { types: [{ name: 'basicAuth', secretType: 'kubernetes.io/basic-auth' }] },
        api: {
          uri: '/api',
          openapi: { paths: { '/api/gitrefs': { get: { 'x-provider-type': 'api' } }, '/api/v4/projects': { get: { 'x-provider-type': 'proxy' } } } },
        },
      },
      status: { api: { address: { url: `${classApiUrl}/api` } } },
    });
  }
  for (let i = 0; i < CONNECTORS; i++) {
    const metadata = { name: `bench-${i}`, namespace: nsOf(i) };
    const data = { username: b64(`bench-user-${String(i).padStart(6, '0')}`), password: b64(randomBytes(60).toString('hex')) }; // ~190 bytes
    objects.push({ apiVersion: 'v1', kind: 'Secret', metadata, type: 'kubernetes.io/basic-auth', data });
    objects.push({
      apiVersion: 'connectors.alauda.io/v1alpha1',
      kind: 'Connector',
      metadata,
      spec: { connectorClassName: `bench-class-${i % CLASSES}`, address: `https://git-${i}.example.com`, auth: { name: 'basicAuth', secretRef: { name: metadata.name } } },
    });
  }
  return objects;
}

/** REQUESTS GETs on R1 of distinct Connectors, CONCURRENCY at a time; returns the count per status. */
async function readConnectors(serviceUrl: string): Promise<Record<number, number>> {
  const statuses: Record<number, number> = {};
  let next = 0;
  const worker = async () => {
    while (next < REQUESTS) {
      const i = Math.floor((next++ * CONNECTORS) / REQUESTS);
      const url = `${serviceUrl}/connectors/v1alpha1/namespaces/${nsOf(i)}/connectors/bench-${i}/resources/gitrefs`;
      const res = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` }, signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer();
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return statuses;
}

async function main(): Promise<number> {
  if (!existsSync('dist/main.js')) throw new Error('dist/main.js is missing: run `npm run build` first');
  pinSelf(LOAD_CPU);
  const upstream = await startUpstream();
  const loading = performance.now();
  const readers = benchReaders(1, undefined, 'bench-memory-');
  const { kubeconfig } = await startCluster({ classApiUrl: upstream.url, staticTokens: readers.staticTokens, objects: [...readers.objects, ...generatedObjects(upstream.url)] });
  console.error(`[bench] emulator loaded in ${Math.round(performance.now() - loading)} ms; starting the service`);
  const service = await startService(kubeconfig, process.env.SERVICE_NODE_OPTIONS ? { NODE_OPTIONS: process.env.SERVICE_NODE_OPTIONS } : {});
  const rssReady = memoryMb(service.proc.pid);
  const statuses = await readConnectors(service.url);
  await new Promise((r) => setTimeout(r, 1000));
  const rssAfter = memoryMb(service.proc.pid);
  const peak = memoryMb(service.proc.pid, 'VmHWM');
  await upstream.stop();
  const ok = (statuses[200] ?? 0) === REQUESTS;
  const mark = (pass: boolean) => (pass ? '✅ met' : '❌ not met');
  console.log(
    [
      `### Memory — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      '',
      `\`npm run bench:memory\` · ${cpus().length} CPUs (${cpus()[0]?.model.trim()}) · Node ${process.version} · emulator: ${CONNECTORS.toLocaleString('en-US')} Connectors, ` +
        `${CLASSES.toLocaleString('en-US')} ConnectorClasses, ${CONNECTORS.toLocaleString('en-US')} Secrets (~200 B data) in ${NAMESPACES} namespaces, plus examples/cluster · service LOG_LEVEL=info`,
      '',
      '| measure | measured | target | verdict |',
      '|---|--:|--:|---|',
      `| start → /readyz 200 | ${(service.readyMs / 1000).toFixed(2)} s | < 10 s | ${mark(service.readyMs < 10_000)} |`,
      `| RSS when ready | ${rssReady.toFixed(0)} MB | ≤ 150 MB | ${mark(rssReady <= 150)} |`,
      `| RSS after ${REQUESTS} requests to ${REQUESTS} Connectors | ${rssAfter.toFixed(0)} MB | ≤ 150 MB | ${mark(rssAfter <= 150)} |`,
      `| peak RSS (VmHWM) | ${peak.toFixed(0)} MB | ≤ 150 MB | ${mark(peak <= 150)} |`,
      `| answers | ${Object.entries(statuses).map(([code, n]) => `${n}× ${code}`).join(', ')} | all 200 | ${mark(ok)} |`,
    ].join('\n'),
  );
  return ok ? 0 : 1;
}

runMain(main);

/**
 * `npm run bench:profile`: the service (warm path) under wrk with `node --cpu-prof`, then the top functions by
 * self time, grouped by package, so you can see where a request's CPU goes. Loopback only; stops everything.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ALICE_TOKEN, R1, startCluster } from './cluster.js';
import { freePort } from '../tests/helpers/ports.js';
import { LOAD_CPU, onCleanup, pinSelf, PROXY_CPU, runMain, startPinned, stop, waitUntil } from './processes.js';
import { startUpstream } from './upstream.js';
import { runWrk } from './wrk.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount: number;
  children?: number[];
}

/** Inclusive samples per function key: a node's subtree, counted once per key even under recursion. */
function inclusive(nodes: ProfileNode[], keyOf: (n: ProfileNode) => string): Map<string, number> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  const visit = (node: ProfileNode, open: Set<string>): number => {
    const key = keyOf(node);
    const entered = !open.has(key);
    if (entered) open.add(key);
    let sum = node.hitCount;
    for (const child of node.children ?? []) sum += visit(byId.get(child) as ProfileNode, open);
    if (entered) {
      open.delete(key);
      totals.set(key, (totals.get(key) ?? 0) + sum);
    }
    return sum;
  };
  const root = nodes[0];
  if (root) visit(root, new Set());
  return totals;
}

function packageOf(url: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (match?.[1]) return match[1];
  if (url.includes('/dist/')) return 'connectors-api';
  return url.startsWith('node:') || url === '' ? '(node/v8)' : url;
}

runMain(async () => {
  pinSelf(LOAD_CPU);
  const upstream = await startUpstream();
  onCleanup(() => upstream.stop());
  const cluster = await startCluster({ classApiUrl: upstream.url });
  const dir = mkdtempSync(path.join(tmpdir(), 'connectors-api-profile-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logLevel = process.argv.includes('--log-level') ? process.argv[process.argv.indexOf('--log-level') + 1] ?? 'info' : 'info';
  const proc = startPinned('service', PROXY_CPU, process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, 'dist/main.js'], {
    stdout: 'ignore',
    env: { KUBECONFIG: cluster.kubeconfig, HOST: '127.0.0.1', PORT: String(port), POD_NAMESPACE: 'connectors-system', LOG_LEVEL: logLevel },
  });
  await waitUntil(async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200, 30_000, 'the service');
  await runWrk({ url: `${url}${R1}`, token: ALICE_TOKEN, durationS: 2, connections: 64 });
  const result = await runWrk({ url: `${url}${R1}`, token: ALICE_TOKEN, durationS: 8, connections: 64 });
  await stop(proc);
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('no .cpuprofile written');
  const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { nodes: ProfileNode[] };
  const total = profile.nodes.reduce((n, node) => n + node.hitCount, 0);
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  for (const node of profile.nodes) {
    const { functionName, url: source, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${source.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/')}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + node.hitCount);
    byPackage.set(packageOf(source), (byPackage.get(packageOf(source)) ?? 0) + node.hitCount);
  }
  const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
  console.log(`profile of ${result.requests} requests (${Math.round(result.rps)} req/s while profiled), LOG_LEVEL=${logLevel}\n`);
  console.log('self time by package:\n' + top(byPackage, 15).join('\n'));
  console.log('\nself time by function:\n' + top(byFunction, Number(process.env.PROFILE_TOP ?? 30)).join('\n'));
  const keyOf = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/')}:${n.callFrame.lineNumber + 1}`;
  const incl = inclusive(profile.nodes, keyOf);
  const ours = new Map([...incl].filter(([k]) => / dist\/|http-proxy|router\/|express\/|winston|prom-client/.test(k)));
  console.log('\ninclusive time (ours and the frameworks):\n' + top(ours, 45).join('\n'));
});

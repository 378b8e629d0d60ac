/**
 * `npm run bench:profile [-- --target service|floor|floor-prepared|baseline] [--log-level L]`: the service's warm
 * path (or one of the bench's yardsticks) under wrk with `node --cpu-prof`, then the top functions by self time,
 * in % and µs per request, grouped by package, so you can see where a request's CPU goes and diff two targets.
 * Loopback only; stops everything.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ALICE_TOKEN, R1, startCluster } from './cluster.js';
import { SERVICE_NODE_FLAGS } from '../scripts/service-node-flags.js';
import { compileForNode, freePort, LOAD_CPU, onCleanup, pinSelf, PROXY_CPU, runMain, startPinned, stop, waitForLine, waitUntil, type Proc } from './processes.js';
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

const isNodeFrame = (n: ProfileNode) => n.callFrame.url === '' || n.callFrame.url.startsWith('node:');

/** Self time of Node's and V8's own frames, charged to the nearest ancestor frame that is not Node's. */
function nodeTimeByCaller(nodes: ProfileNode[], keyOf: (n: ProfileNode) => string): Map<string, number> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  const visit = (node: ProfileNode, caller: string) => {
    const own = isNodeFrame(node) ? caller : keyOf(node);
    if (isNodeFrame(node) && node.hitCount > 0 && !/^\((idle|root)\)/.test(node.callFrame.functionName)) totals.set(caller, (totals.get(caller) ?? 0) + node.hitCount);
    for (const child of node.children ?? []) visit(byId.get(child) as ProfileNode, own);
  };
  const root = nodes[0];
  if (root) visit(root, '(Node itself: event loop, parser, timers)');
  return totals;
}

function packageOf(url: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (match?.[1]) return match[1];
  if (url.includes('/bench/.tmp/')) return PROFILED_LABEL;
  return url.startsWith('node:') || url === '' ? '(node/v8)' : url;
}

const sourceOf = (url: string) => url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/bench\/\.tmp\/\d+\//, '');

// What to profile: the service (default), or one of the yardsticks of `make bench` for comparison.
const TARGETS = {
  service: { label: 'connectors-api', entry: 'src/main.ts', args: [] as string[] },
  floor: { label: 'express-hpm-proxy', entry: 'bench/express-hpm-proxy.ts', args: [] as string[] },
  'floor-prepared': { label: 'express-hpm-proxy', entry: 'bench/express-hpm-proxy.ts', args: ['--express-messages'] },
  baseline: { label: 'baseline-proxy', entry: 'bench/baseline-proxy.ts', args: [] as string[] },
} as const;
const option = (name: string, fallback: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] ?? fallback : fallback);
const targetName = option('--target', 'service') as keyof typeof TARGETS;
const target = TARGETS[targetName];
if (!target) throw new Error(`--target must be one of ${Object.keys(TARGETS).join(', ')}`);
const PROFILED_LABEL = target.label;

runMain(async () => {
  pinSelf(LOAD_CPU);
  const upstream = await startUpstream();
  onCleanup(() => upstream.stop());
  const dir = mkdtempSync(path.join(tmpdir(), 'connectors-api-profile-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const logLevel = option('--log-level', 'info');
  // Bundled with npm packages left as imports (not as dist/main.js, which holds them all), so that the profile
  // can tell our code from each package's.
  const [script] = compileForNode([target.entry]);
  const flags = ['--cpu-prof', `--cpu-prof-dir=${dir}`, ...SERVICE_NODE_FLAGS];
  let url: string;
  let proc: Proc;
  if (targetName === 'service') {
    const cluster = await startCluster({ classApiUrl: upstream.url });
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    proc = startPinned('service', PROXY_CPU, process.execPath, [...flags, script as string], {
      stdout: 'ignore',
      env: { KUBECONFIG: cluster.kubeconfig, HOST: '127.0.0.1', PORT: String(port), POD_NAMESPACE: 'connectors-system', LOG_LEVEL: logLevel },
    });
    await waitUntil(async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200, 30_000, 'the service');
  } else {
    proc = startPinned(targetName, PROXY_CPU, process.execPath, [...flags, script as string, upstream.url, ...target.args]);
    const [, port] = await waitForLine(proc, /listening (\d+)/, 10_000);
    url = `http://127.0.0.1:${port}`;
  }
  const warmup = await runWrk({ url: `${url}${R1}`, token: ALICE_TOKEN, durationS: 2, connections: 64 });
  const result = await runWrk({ url: `${url}${R1}`, token: ALICE_TOKEN, durationS: 8, connections: 64 });
  await stop(proc);
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('no .cpuprofile written');
  // --save FILE keeps the raw profile (for Chrome DevTools, speedscope, or a diff of two targets).
  if (process.argv.includes('--save')) copyFileSync(path.join(dir, file), option('--save', 'profile.cpuprofile'));
  const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[] };
  const total = profile.nodes.reduce((n, node) => n + node.hitCount, 0);
  // µs of samples per request served (warm-up included); start-up samples land on module loading, not on requests.
  const usPerSample = (profile.endTime - profile.startTime) / Math.max(1, profile.samples.length);
  const requests = warmup.requests + result.requests;
  const keyOf = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${sourceOf(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  for (const node of profile.nodes) {
    byFunction.set(keyOf(node), (byFunction.get(keyOf(node)) ?? 0) + node.hitCount);
    const pkg = node.callFrame.functionName === '(idle)' ? '(idle)' : packageOf(node.callFrame.url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + node.hitCount);
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)}% ${((v * usPerSample) / requests).toFixed(1).padStart(6)} µs/req  ${k}`);
  console.log(`profile of ${targetName}: ${requests} requests (${Math.round(result.rps)} req/s while measured), LOG_LEVEL=${logLevel}\n`);
  console.log('self time by package:\n' + top(byPackage, 15).join('\n'));
  console.log('\nself time by function:\n' + top(byFunction, Number(process.env.PROFILE_TOP ?? 30)).join('\n'));
  const incl = inclusive(profile.nodes, keyOf);
  const ours = new Map([...incl].filter(([k]) => !/^\S+ (node:|:)/.test(k) && !/^\((root|program|idle|garbage collector)\)/.test(k)));
  console.log('\ninclusive time (JavaScript outside Node itself):\n' + top(ours, 45).join('\n'));
  const induced = nodeTimeByCaller(profile.nodes, keyOf);
  console.log('\nNode/V8 self time by the nearest JavaScript outside Node that led to it:\n' + top(induced, 30).join('\n'));
});

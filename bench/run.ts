// `make bench`: direct, baseline proxy, express+hpm floor, service warm and service with a new token per request,
// interleaved over rounds, figures printed as a markdown table. Loopback only; needs wrk; `npm run build` first.
// Pinned: proxies on CPU 0; wrk, the upstream, the emulator and this orchestrator on CPU 1.
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { ALICE_TOKEN, benchReaders, countersDiff, R1, startCluster, startService } from './cluster.js';
import { compileForNode, LOAD_CPU, PINNED, pinSelf, PROXY_CPU, runMain, startListening } from './processes.js';
import { coreSeconds, cpuSeconds, memoryMb } from './proc-stats.js';
import { renderReport, type RoundResult, type ScenarioKey } from './report.js';
import { requireWrk, runWrk } from './wrk.js';

const { values: opts } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '64' },
    tokens: { type: 'string', default: '100000' },
    'log-level': { type: 'string', default: 'info' },
  },
});
const int = (name: keyof typeof opts, min: number, max: number): number => {
  const value = Number(opts[name]);
  if (Number.isInteger(value) && value >= min && value <= max) return value;
  console.error(`bench: --${name} must be an integer from ${min} to ${max}, got "${opts[name]}"`);
  return process.exit(2);
};
const ROUNDS = int('rounds', 3, 20);
const DURATION_S = int('duration', 1, 120);
const WARMUP_S = int('warmup', 1, 30);
const CONNECTIONS = int('connections', 1, 1000);
const TOKENS = int('tokens', 1000, 1_000_000);
const LOG_LEVEL = opts['log-level'] ?? 'info';
const ALLOW_TTL_S = 10; // the service's default AUTH_CACHE_ALLOW_TTL_MS, which this bench keeps

const LABELS: Record<ScenarioKey, string> = {
  direct: 'direct (wrk → upstream; CPU/RSS of the upstream)',
  baseline: 'baseline proxy (node:http pipe, keep-alive)',
  floor: 'express 5 + http-proxy-middleware 3 floor',
  floorPrepared: 'the same floor, req/res built with Express\'s prototypes (as the service does)',
  warm: 'service, warm (one token, caches warm)',
  cold: 'service, cold tokens (new token per request)',
};

interface Scenario {
  readonly key: ScenarioKey;
  readonly url: string;
  readonly pid: number;
}

async function main(): Promise<number> {
  requireWrk();
  if (!existsSync('dist/main.js')) throw new Error('dist/main.js is missing: run `npm run build` first');
  pinSelf(LOAD_CPU);
  const [upstreamJs, baselineJs, floorJs] = compileForNode(['bench/upstream.ts', 'bench/baseline-proxy.ts', 'bench/express-hpm-proxy.ts']);
  const log = (line: string) => console.error(`[bench] ${line}`);
  log(`starting upstream, proxies, emulator (${TOKENS.toLocaleString('en-US')} bench tokens) and the service`);
  const upstream = await startListening('upstream', LOAD_CPU, upstreamJs as string, []);
  const baseline = await startListening('baseline proxy', PROXY_CPU, baselineJs as string, [upstream.url]);
  const floor = await startListening('express+hpm proxy', PROXY_CPU, floorJs as string, [upstream.url]);
  const floorPrepared = await startListening('express+hpm proxy (express messages)', PROXY_CPU, floorJs as string, [upstream.url, '--express-messages']);
  const { emulator, kubeconfig } = await startCluster({ classApiUrl: upstream.url, ...benchReaders(TOKENS, 'team-a') });
  const service = await startService(kubeconfig, { LOG_LEVEL });
  const scenarios: Scenario[] = [
    { key: 'direct', url: upstream.url, pid: upstream.pid },
    { key: 'baseline', url: baseline.url, pid: baseline.pid },
    { key: 'floor', url: floor.url, pid: floor.pid },
    { key: 'floorPrepared', url: floorPrepared.url, pid: floorPrepared.pid },
    { key: 'warm', url: service.url, pid: service.proc.pid },
    { key: 'cold', url: service.url, pid: service.proc.pid },
  ];
  for (const [token, s] of [[ALICE_TOKEN, scenarios[4]], ['bench-token-0', scenarios[5]]] as const) {
    const res = await fetch(`${s?.url}${R1}`, { headers: { authorization: `Bearer ${token}` } });
    const body = await res.text();
    if (res.status !== 200 || !body.includes('"listMeta"')) throw new Error(`sanity check: ${res.status} ${body.slice(0, 300)}`);
  }

  let nextToken = 1; // bench-token-0 served the sanity check
  let tokensSent = 1;
  const measure = async (s: Scenario, durationS: number): Promise<RoundResult> => {
    const tokens = s.key === 'cold' ? { prefix: 'bench-token-', start: nextToken % TOKENS, end: TOKENS } : undefined;
    const [cpu0, kube0, p0, l0, t0] = [cpuSeconds(s.pid), emulator.counters(), coreSeconds(PROXY_CPU), coreSeconds(LOAD_CPU), performance.now()];
    const w = await runWrk({ url: `${s.url}${R1}`, durationS, connections: CONNECTIONS, token: tokens ? undefined : ALICE_TOKEN, tokens });
    const [cpu1, kube1, p1, l1, t1] = [cpuSeconds(s.pid), emulator.counters(), coreSeconds(PROXY_CPU), coreSeconds(LOAD_CPU), performance.now()];
    const busy = (a: typeof p0, b: typeof p0) => (100 * (b.busy - a.busy)) / (b.total - a.total);
    if (tokens) {
      nextToken = tokens.start + w.requests + CONNECTIONS; // requests still in flight when wrk stopped used tokens too
      tokensSent += w.requests + CONNECTIONS;
    }
    const cores = { proxyCorePct: busy(p0, p1), loadCorePct: busy(l0, l1), processPct: (100 * (cpu1 - cpu0) * 1000) / (t1 - t0) };
    return { ...w, ...cores, cpuUsPerReq: ((cpu1 - cpu0) * 1e6) / w.requests, rssMb: memoryMb(s.pid), kube: countersDiff(kube0, kube1) };
  };

  log(`warm-up: ${WARMUP_S} s per scenario`);
  for (const s of scenarios) await measure(s, WARMUP_S);
  const results = Object.fromEntries(scenarios.map((s) => [s.key, [] as RoundResult[]])) as Record<ScenarioKey, RoundResult[]>;
  for (let round = 0; round < ROUNDS; round++) {
    // Interleaved, and the order rotates each round so no scenario always runs first or last.
    const order = scenarios.map((_, i) => scenarios[(i + round) % scenarios.length] as Scenario);
    for (const s of order) {
      const r = await measure(s, DURATION_S);
      results[s.key].push(r);
      log(`round ${round + 1}/${ROUNDS} ${s.key}: ${Math.round(r.rps)} req/s, p99 ${r.p99Ms.toFixed(2)} ms, ${Math.round(r.cpuUsPerReq)} µs/req`);
    }
  }

  const command = `node --import tsx bench/run.ts ${process.argv.slice(2).join(' ')}`.trim();
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  console.log(
    renderReport({
      header: [
        `### Benchmark — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
        '',
        `\`make bench\` → \`${command}\` · ${cpus().length} CPUs (${cpu}) · Node ${process.version} · wrk, 1 thread, ${CONNECTIONS} connections · ` +
          `${ROUNDS} rounds × ${DURATION_S} s, interleaved (figures are medians; spread = min–max across rounds) · ` +
          (PINNED ? `pinned: proxy under test on CPU ${PROXY_CPU}; wrk, upstream, emulator, orchestrator on CPU ${LOAD_CPU}` : 'NOT pinned (no taskset or < 2 CPUs)') +
          ` · service LOG_LEVEL=${LOG_LEVEL} (${LOG_LEVEL === 'info' ? 'one access-log line per request, ' : ''}stdout → /dev/null) · route R1 \`${R1}\` · upstream answer ~1 KiB conformant JSON list`,
      ],
      labels: LABELS,
      results,
      allowTtlS: ALLOW_TTL_S,
      connections: CONNECTIONS,
      tokenNote:
        `Cold tokens: ${tokensSent.toLocaleString('en-US')} of ${TOKENS.toLocaleString('en-US')} bench tokens used` +
        (tokensSent > TOKENS ? ' — **tokens wrapped: some requests reused a cached token; raise --tokens**.' : ' (none reused).'),
    }),
  );
  return 0;
}

runMain(main);

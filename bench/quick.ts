/**
 * `npm run bench:quick`: the figures an optimisation moves, fast: CPU µs per request and req/s of the baseline
 * `node:http` pipe, the express+hpm floor and the warm service, alternating (default 3 × 4 s). For a full report
 * use `make bench`.
 */
import { parseArgs } from 'node:util';
import { ALICE_TOKEN, R1, startCluster, startService } from './cluster.js';
import { compileForNode, LOAD_CPU, pinSelf, PROXY_CPU, runMain, startListening } from './processes.js';
import { cpuSeconds } from './proc-stats.js';
import { requireWrk, runWrk } from './wrk.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, duration: { type: 'string', default: '4' }, 'log-level': { type: 'string', default: 'info' } } });
const ROUNDS = Math.min(10, Math.max(1, Number(values.rounds)));
const DURATION_S = Math.min(30, Math.max(1, Number(values.duration)));

runMain(async () => {
  requireWrk();
  pinSelf(LOAD_CPU);
  const [upstreamJs, baselineJs, floorJs] = compileForNode(['bench/upstream.ts', 'bench/baseline-proxy.ts', 'bench/express-hpm-proxy.ts']);
  const upstream = await startListening('upstream', LOAD_CPU, upstreamJs as string, []);
  const baseline = await startListening('baseline', PROXY_CPU, baselineJs as string, [upstream.url]);
  const floor = await startListening('floor', PROXY_CPU, floorJs as string, [upstream.url]);
  const { kubeconfig } = await startCluster({ classApiUrl: upstream.url });
  const service = await startService(kubeconfig, { LOG_LEVEL: values['log-level'] ?? 'info', ...(process.env.SERVICE_NODE_OPTIONS ? { NODE_OPTIONS: process.env.SERVICE_NODE_OPTIONS } : {}) });
  const targets = {
    baseline: { url: `${baseline.url}${R1}`, pid: baseline.pid },
    floor: { url: `${floor.url}${R1}`, pid: floor.pid },
    service: { url: `${service.url}${R1}`, pid: service.proc.pid },
  };
  const cpu: Record<string, number[]> = { baseline: [], floor: [], service: [] };
  const rps: Record<string, number[]> = { baseline: [], floor: [], service: [] };
  for (const [, t] of Object.entries(targets)) await runWrk({ url: t.url, durationS: 2, connections: 64, token: ALICE_TOKEN });
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, t] of Object.entries(targets)) {
      const before = cpuSeconds(t.pid);
      const w = await runWrk({ url: t.url, durationS: DURATION_S, connections: 64, token: ALICE_TOKEN });
      cpu[name]?.push(((cpuSeconds(t.pid) - before) * 1e6) / w.requests);
      rps[name]?.push(w.rps);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  const figures = (name: string) => `${Math.round(median(cpu[name] ?? []))} µs/req (${Math.round(median(rps[name] ?? []))} req/s)`;
  const cpuRatio = median(cpu.service ?? []) / median(cpu.floor ?? []);
  const rpsRatio = median(rps.service ?? []) / median(rps.baseline ?? []);
  console.log(`baseline ${figures('baseline')} · floor ${figures('floor')} · service ${figures('service')}`);
  console.log(`service CPU ÷ floor ${cpuRatio.toFixed(2)} (target ≤ 1.15) · service req/s ÷ baseline ${rpsRatio.toFixed(2)} (target ≥ 0.5)`);
});

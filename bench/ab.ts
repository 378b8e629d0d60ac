/**
 * `npm run bench:ab -- BUILD [BUILD …] [--rounds N] [--duration S] [--log-level L]`: an A/B of service builds on the
 * warm path, interleaved with the baseline pipe and the prepared express+hpm floor, so that a change is judged
 * against the same run's yardsticks (this VM drifts by ±20 % between runs). A BUILD is a copy of dist/main.js
 * (`npm run build && cp -r dist /tmp/before`), optionally followed by `::` and comma-separated node flags to run it
 * with instead of SERVICE_NODE_FLAGS. Prints per target the median CPU µs per request, req/s, and req/s ÷ baseline.
 * The README's A/B figures were made with it. Loopback only; stops everything it starts.
 */
import { parseArgs } from 'node:util';
import { ALICE_TOKEN, R1, startCluster, startService } from './cluster.js';
import { compileForNode, LOAD_CPU, pinSelf, PROXY_CPU, runMain, startListening } from './processes.js';
import { cpuSeconds } from './proc-stats.js';
import { requireWrk, runWrk } from './wrk.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { rounds: { type: 'string', default: '5' }, duration: { type: 'string', default: '4' }, 'log-level': { type: 'string', default: 'info' } },
});
const ROUNDS = Math.min(20, Math.max(1, Number(values.rounds)));
const DURATION_S = Math.min(30, Math.max(1, Number(values.duration)));
const MAX_BUILDS = 8;

runMain(async () => {
  if (positionals.length === 0 || positionals.length > MAX_BUILDS) throw new Error(`give 1 to ${MAX_BUILDS} builds: path/to/main.js[::--flag,--flag]`);
  requireWrk();
  pinSelf(LOAD_CPU);
  const [upstreamJs, baselineJs, floorJs] = compileForNode(['bench/upstream.ts', 'bench/baseline-proxy.ts', 'bench/express-hpm-proxy.ts']);
  const upstreamUrl = (await startListening('upstream', LOAD_CPU, upstreamJs as string, [])).url;
  const yardstick = async (name: string, script: string, args: string[]) => {
    const started = await startListening(name, PROXY_CPU, script, [upstreamUrl, ...args]);
    return { url: `${started.url}${R1}`, pid: started.pid };
  };
  const targets = new Map<string, { url: string; pid: number }>([
    ['baseline pipe', await yardstick('baseline', baselineJs as string, [])],
    ['prepared floor', await yardstick('floor', floorJs as string, ['--express-messages'])],
  ]);
  const { kubeconfig } = await startCluster({ classApiUrl: upstreamUrl });
  for (const build of positionals) {
    const [script, flags] = build.split('::');
    const service = await startService(kubeconfig, { LOG_LEVEL: values['log-level'] ?? 'info' }, { script, nodeFlags: flags === undefined ? undefined : flags.split(',').filter(Boolean) });
    targets.set(build, { url: `${service.url}${R1}`, pid: service.proc.pid });
  }
  const cpu = new Map<string, number[]>();
  const rps = new Map<string, number[]>();
  for (const t of targets.values()) await runWrk({ url: t.url, durationS: 2, connections: 64, token: ALICE_TOKEN });
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, t] of targets) {
      const before = cpuSeconds(t.pid);
      const w = await runWrk({ url: t.url, durationS: DURATION_S, connections: 64, token: ALICE_TOKEN });
      if (w.non2xx > 0) throw new Error(`${name}: ${w.non2xx} answers were not 2xx`);
      cpu.set(name, [...(cpu.get(name) ?? []), ((cpuSeconds(t.pid) - before) * 1e6) / w.requests]);
      rps.set(name, [...(rps.get(name) ?? []), w.rps]);
    }
    console.error(`[ab] round ${round + 1}/${ROUNDS} done`);
  }
  const median = (xs: number[] = []) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  const baselineRps = median(rps.get('baseline pipe'));
  console.log(`medians of ${ROUNDS} interleaved rounds × ${DURATION_S} s, wrk 64 connections, R1 warm:`);
  for (const name of targets.keys()) {
    const r = median(rps.get(name));
    console.log(`${Math.round(median(cpu.get(name))).toString().padStart(5)} µs/req  ${Math.round(r).toString().padStart(6)} req/s  ${(r / baselineRps).toFixed(2)} × baseline  ${name}`);
  }
});

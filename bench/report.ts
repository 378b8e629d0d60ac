// The markdown bench/run.ts prints (pasteable into the README): one row per scenario, then the targets.
import type { WrkResult } from './wrk.js';

export type ScenarioKey = 'direct' | 'baseline' | 'floor' | 'floorPrepared' | 'warm' | 'cold';

export interface RoundResult extends WrkResult {
  /** utime+stime of the measured process (the proxy; the upstream for direct) per completed request. */
  readonly cpuUsPerReq: number;
  readonly rssMb: number;
  /** Busy % of the proxy core and the load core over the run (every process on them), and the measured process's % of one core. */
  readonly proxyCorePct: number;
  readonly loadCorePct: number;
  readonly processPct: number;
  /** Emulator counters during the run ("<verb> <resource>" → calls). */
  readonly kube: Record<string, number>;
}

export interface ReportInput {
  readonly header: string[];
  readonly labels: Record<ScenarioKey, string>;
  readonly results: Record<ScenarioKey, RoundResult[]>;
  readonly allowTtlS: number;
  readonly connections: number;
  readonly tokenNote: string;
}

const TR = 'create tokenreviews';
const SAR = 'create subjectaccessreviews';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? NaN;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const fmt = (x: number, digits = 0) => (Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a');
const spread = (xs: number[], digits = 0) => `${fmt(Math.min(...xs), digits)}–${fmt(Math.max(...xs), digits)}`;
const verdict = (ok: boolean) => (ok ? '✅ met' : '❌ not met');
const kubeSum = (rounds: RoundResult[], keep: (key: string) => boolean) =>
  sum(rounds.flatMap((r) => Object.entries(r.kube).filter(([k]) => keep(k)).map(([, v]) => v)));

export function renderReport(input: ReportInput): string {
  const { results: res, labels } = input;
  const m = (key: ScenarioKey, pick: (r: RoundResult) => number) => median(res[key].map(pick));
  const rps = (key: ScenarioKey) => m(key, (r) => r.rps);
  const cpu = (key: ScenarioKey) => m(key, (r) => r.cpuUsPerReq);
  const lines = [...input.header, ''];
  lines.push('| scenario | req/s | req/s spread | p50 ms | p99 ms | CPU µs/req | CPU µs/req spread | RSS MB | ÷ direct | ÷ baseline | core busy % CPU0/CPU1 (process) | errors |');
  lines.push('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const key of Object.keys(labels) as ScenarioKey[]) {
    const rounds = res[key];
    lines.push(
      `| ${labels[key]} | ${fmt(rps(key))} | ${spread(rounds.map((r) => r.rps))} | ${fmt(m(key, (r) => r.p50Ms), 2)} | ${fmt(m(key, (r) => r.p99Ms), 2)} ` +
        `| ${fmt(cpu(key))} | ${spread(rounds.map((r) => r.cpuUsPerReq))} | ${fmt(Math.max(...rounds.map((r) => r.rssMb)))} ` +
        `| ${fmt(rps(key) / rps('direct'), 2)} | ${fmt(rps(key) / rps('baseline'), 2)} ` +
        `| ${fmt(m(key, (r) => r.proxyCorePct))}/${fmt(m(key, (r) => r.loadCorePct))} (${fmt(m(key, (r) => r.processPct))}) | ${fmt(sum(rounds.map((r) => r.non2xx + r.socketErrors)))} |`,
    );
  }

  const warm = res.warm;
  const cold = res.cold;
  const warmRequests = sum(warm.map((r) => r.requests));
  const coldRequests = sum(cold.map((r) => r.requests));
  const kubeGets = kubeSum(warm, (k) => k.startsWith('get ') || k.startsWith('list '));
  // A run of d seconds can see at most floor(d / TTL) + 1 refreshes of one cached review.
  const perTtl = (key: string) => Math.max(...warm.map((r) => (r.kube[key] ?? 0) / (Math.floor(r.seconds / input.allowTtlS) + 1)));
  const coldOther = kubeSum(cold, (k) => k !== TR && k !== SAR && !k.startsWith('watch '));
  // Requests still in flight when wrk stops (≤ connections per run) were reviewed but are not counted as completed.
  const inFlight = input.connections * cold.length;
  const coldReviews = (key: string) => {
    const calls = kubeSum(cold, (k) => k === key);
    const ok = calls >= coldRequests && calls <= coldRequests + inFlight;
    return [`${fmt(calls / coldRequests, 3)} (${fmt(calls)} for ${fmt(coldRequests)} completed + ≤ ${fmt(inFlight)} in flight at wrk's stop)`, verdict(ok)];
  };
  const cpuRatio = cpu('warm') / cpu('floor');
  const rpsRatio = rps('warm') / rps('baseline');
  lines.push('', '| target | measured | target | verdict |', '|---|--:|--:|---|');
  lines.push(`| service warm CPU µs/req ÷ express+hpm floor | ${fmt(cpuRatio, 2)} (${fmt(cpu('warm'))} ÷ ${fmt(cpu('floor'))}) | ≤ 1.15 | ${verdict(cpuRatio <= 1.15)} |`);
  lines.push(`| service warm req/s ÷ baseline proxy | ${fmt(rpsRatio, 2)} (p99 ${fmt(m('warm', (r) => r.p99Ms), 2)} ms vs ${fmt(m('baseline', (r) => r.p99Ms), 2)} ms) | ≥ 0.5 | ${verdict(rpsRatio >= 0.5)} |`);
  lines.push(`| service warm CPU µs/req ÷ the floor with Express's prototypes at construction (what the chain itself adds) | ${fmt(cpu('warm') / cpu('floorPrepared'), 2)} (${fmt(cpu('warm'))} ÷ ${fmt(cpu('floorPrepared'))}) | — | |`);
  lines.push(`| service warm req/s ÷ direct | ${fmt(rps('warm') / rps('direct'), 2)} | — | |`);
  lines.push(`| Kubernetes GETs (get/list) per request in steady state (warm) | ${fmt(kubeGets / warmRequests, 4)} (${kubeGets} in ${fmt(warmRequests)} requests) | 0 | ${verdict(kubeGets === 0)} |`);
  lines.push(`| TokenReviews per (token, attributes) per TTL (warm, TTL ${input.allowTtlS} s) | ${fmt(perTtl(TR), 2)} (${kubeSum(warm, (k) => k === TR)} in ${warm.length} runs) | ≤ 1 | ${verdict(perTtl(TR) <= 1)} |`);
  lines.push(`| SARs per (token, attributes) per TTL (warm) | ${fmt(perTtl(SAR), 2)} (${kubeSum(warm, (k) => k === SAR)} in ${warm.length} runs) | ≤ 1 | ${verdict(perTtl(SAR) <= 1)} |`);
  lines.push(`| cold tokens: TokenReviews per request | ${coldReviews(TR).join(' | 1 | ')} |`);
  lines.push(`| cold tokens: SARs per request | ${coldReviews(SAR).join(' | 1 | ')} |`);
  lines.push(`| cold tokens: other Kubernetes calls | ${coldOther} in ${fmt(coldRequests)} requests | 0 | ${verdict(coldOther === 0)} |`);
  lines.push(`| cold tokens: p50 added latency vs warm | +${fmt(m('cold', (r) => r.p50Ms) - m('warm', (r) => r.p50Ms), 2)} ms | — | |`);
  lines.push('', input.tokenNote);
  const failed = (Object.keys(labels) as ScenarioKey[]).filter((k) => res[k].some((r) => r.non2xx + r.socketErrors > 0));
  if (failed.length > 0) lines.push(`**Warning:** non-2xx answers or socket errors in: ${failed.map((k) => labels[k]).join(', ')}; their figures are suspect.`);
  return lines.join('\n');
}

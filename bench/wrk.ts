// The load generator: wrk (Debian package), one thread on the load CPU, figures read from wrk-report.lua's JSON.
import path from 'node:path';
import { LOAD_CPU, onPath, startPinned, stop } from './processes.js';

const LUA = path.resolve('bench/wrk-report.lua');
export const WRK_INSTALL = 'apt-get install -y wrk   (as root; or: make bench-deps)';

export interface WrkOptions {
  readonly url: string;
  readonly durationS: number;
  readonly connections: number;
  /** One bearer token for every request… */
  readonly token?: string;
  /** …or a new one per request: `${prefix}${n}`, n counting up from start, wrapping to 0 at end. */
  readonly tokens?: { prefix: string; start: number; end: number };
}

export interface WrkResult {
  readonly requests: number;
  readonly seconds: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  readonly socketErrors: number;
}

/** Exits with the install command when wrk is not on PATH (the bench never installs anything). */
export function requireWrk(): void {
  if (onPath('wrk')) return;
  console.error(`wrk, the load generator, is not installed. Install it with:\n  ${WRK_INSTALL}`);
  process.exit(2);
}

export async function runWrk(o: WrkOptions): Promise<WrkResult> {
  const args = ['-t1', `-c${o.connections}`, `-d${o.durationS}s`, '--latency', '--timeout', '10s', '-s', LUA];
  if (o.token) args.push('-H', `Authorization: Bearer ${o.token}`);
  args.push(o.url);
  const env = o.tokens
    ? { BENCH_TOKEN_PREFIX: o.tokens.prefix, BENCH_TOKEN_START: String(o.tokens.start), BENCH_TOKEN_END: String(o.tokens.end) }
    : {};
  const proc = startPinned('wrk', LOAD_CPU, 'wrk', args, { env });
  let output = '';
  proc.child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const deadline = setTimeout(() => void stop(proc), (o.durationS + 30) * 1000);
  const code = await proc.exited;
  clearTimeout(deadline);
  const json = /^BENCH_JSON (.*)$/m.exec(output)?.[1];
  if (code !== 0 || !json) throw new Error(`wrk failed (exit ${code}):\n${output}`);
  const r = JSON.parse(json) as { requests: number; durationUs: number; non2xx: number; socketErrors: number; p50Us: number; p99Us: number };
  const seconds = r.durationUs / 1e6;
  return { requests: r.requests, seconds, rps: r.requests / seconds, p50Ms: r.p50Us / 1000, p99Ms: r.p99Us / 1000, non2xx: r.non2xx, socketErrors: r.socketErrors };
}

// The token storm of bench/soak.ts: many distinct bearer tokens, each sent several times back to back, a fixed
// number of requests in flight at once over a keep-alive agent (node:http). The copies of one token are queued
// next to each other, so they are in flight together and their reviews overlap in the service (to be coalesced).
// Bounded: a finite queue, a timeout per request and a deadline for the whole storm.
import http from 'node:http';

export interface StormOptions {
  /** Full URL of the route every request goes to. */
  readonly url: string;
  readonly tokens: readonly string[];
  /** Requests per token, queued next to each other. */
  readonly copies: number;
  /** Requests in flight at once (and the agent's sockets). */
  readonly concurrency: number;
  readonly requestTimeoutMs: number;
  readonly deadlineMs: number;
}

export interface StormResult {
  readonly requests: number;
  readonly ok: number;
  /** Non-2xx answers and socket errors/timeouts, by status code or error text. */
  readonly errors: Record<string, number>;
  readonly errorCount: number;
  readonly wallMs: number;
  /** Tokens all of whose copies had been sent before the first of them was answered. */
  readonly tokensOverlapped: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

interface TokenState {
  started: number;
  answered: boolean;
  overlapped: boolean;
}

export async function tokenStorm(o: StormOptions): Promise<StormResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency, maxFreeSockets: o.concurrency });
  const queue = o.tokens.flatMap((token) => Array.from({ length: o.copies }, () => token));
  const states = new Map<string, TokenState>(o.tokens.map((t) => [t, { started: 0, answered: false, overlapped: false }]));
  const errors: Record<string, number> = {};
  const latencies: number[] = [];
  let ok = 0;
  let next = 0;
  let stopped = false;

  const one = (token: string): Promise<void> =>
    new Promise((resolve) => {
      const state = states.get(token) as TokenState;
      state.started++;
      const started = performance.now();
      let settled = false;
      const settle = (error?: string) => {
        if (settled) return;
        settled = true;
        latencies.push(performance.now() - started);
        if (error === undefined) ok++;
        else errors[error] = (errors[error] ?? 0) + 1;
        resolve();
      };
      const req = http.get(o.url, { agent, headers: { authorization: `Bearer ${token}` }, timeout: o.requestTimeoutMs }, (res) => {
        if (!state.answered) {
          state.answered = true;
          state.overlapped = state.started === o.copies;
        }
        const status = res.statusCode ?? 0;
        const verdict = status >= 200 && status < 300 ? undefined : `HTTP ${status}`;
        res.resume();
        res.on('end', () => settle(verdict));
        res.on('error', (err) => settle(`response: ${err.message}`));
        res.on('close', () => settle(res.complete ? verdict : 'response cut short'));
      });
      req.on('timeout', () => req.destroy(new Error(`timed out after ${o.requestTimeoutMs} ms`)));
      req.on('error', (err) => settle(`socket: ${err.message}`));
    });

  const worker = async () => {
    while (!stopped && next < queue.length) await one(queue[next++] as string);
  };

  const started = performance.now();
  let deadline: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.all(Array.from({ length: o.concurrency }, worker)),
      new Promise((_, reject) => {
        deadline = setTimeout(() => reject(new Error(`token storm: not done after ${o.deadlineMs} ms (${next} of ${queue.length} requests sent)`)), o.deadlineMs);
      }),
    ]);
  } finally {
    stopped = true;
    clearTimeout(deadline);
    agent.destroy();
  }
  const wallMs = performance.now() - started;
  const sorted = latencies.sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
  return {
    requests: queue.length,
    ok,
    errors,
    errorCount: Object.values(errors).reduce((a, b) => a + b, 0),
    wallMs,
    tokensOverlapped: [...states.values()].filter((s) => s.overlapped).length,
    p50Ms: pct(50),
    p99Ms: pct(99),
  };
}

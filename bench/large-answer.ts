// `npm run bench:large-answer`: big answers through the service on R1. A 50 MiB non-JSON answer must stream with
// ≤ 20 MB RSS growth (VmRSS sampled every 50 ms); a 30 MiB JSON list (above the 16 MiB normalise cap) must be
// relayed unchanged without a crash; a 5 MiB bare array is normalised (its time printed beside the direct time).
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import http from 'node:http';
import { cpus } from 'node:os';
import { ALICE_TOKEN, R1, startCluster, startService } from './cluster.js';
import { memoryMb } from './proc-stats.js';
import { LOAD_CPU, pinSelf, runMain } from './processes.js';
import { listBody, startUpstream } from './upstream.js';

const MiB = 1024 * 1024;
const BINARY_BYTES = 50 * MiB;

/** A bare JSON array of git refs of at least `bytes` bytes. */
function bareArray(bytes: number): Buffer {
  const item = (i: number) => JSON.stringify({ name: `refs/heads/branch-${i}`, commitID: (i * 2654435761).toString(16).padStart(40, '0') });
  const parts: string[] = [];
  let size = 1;
  for (let i = 0; size < bytes; i++) size += (parts[parts.push(item(i)) - 1] as string).length + 1;
  return Buffer.from(`[${parts.join(',')}]`);
}

const bodies: Record<string, Buffer> = { 'big-json': bareArray(30 * MiB), 'mid-json': bareArray(5 * MiB), gitrefs: listBody() };

function classApi(req: http.IncomingMessage, res: http.ServerResponse): void {
  req.resume();
  const resource = (req.url ?? '').split('?')[0]?.split('/').pop() ?? '';
  if (resource !== 'big-binary') {
    const body = bodies[resource] ?? Buffer.from('[]');
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }).end(body);
    return;
  }
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': BINARY_BYTES });
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  let sent = 0;
  const pump = (): void => {
    while (sent < BINARY_BYTES && !res.destroyed) {
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    res.end();
  };
  pump();
}

interface Fetched {
  status: number;
  bytes: number;
  ms: number;
  sha256: string;
  text?: string;
}

/** GET with alice's token, bounded to 120 s; keeps the body only when asked. */
function get(url: string, keepText = false): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.get(url, { headers: { authorization: `Bearer ${ALICE_TOKEN}` }, timeout: 120_000 }, (res) => {
      const hash = createHash('sha256');
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        hash.update(chunk);
        if (keepText) chunks.push(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, ms: performance.now() - started, sha256: hash.digest('hex'), text: keepText ? Buffer.concat(chunks).toString('utf8') : undefined }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: timed out`)));
    req.on('error', reject);
  });
}

/** Runs `work` while sampling the pid's VmRSS every 50 ms; returns its result and the growth over the RSS before. */
async function withRssSampling<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; growthMb: number }> {
  const before = memoryMb(pid);
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, memoryMb(pid))), 50);
  try {
    const result = await work();
    peak = Math.max(peak, memoryMb(pid));
    return { result, growthMb: peak - before };
  } finally {
    clearInterval(timer);
  }
}

async function main(): Promise<number> {
  if (!existsSync('dist/main.js')) throw new Error('dist/main.js is missing: run `npm run build` first');
  pinSelf(LOAD_CPU);
  const upstream = await startUpstream(0, classApi);
  const { kubeconfig } = await startCluster({ classApiUrl: upstream.url });
  const service = await startService(kubeconfig, process.env.SERVICE_NODE_OPTIONS ? { NODE_OPTIONS: process.env.SERVICE_NODE_OPTIONS } : {});
  const pid = service.proc.pid;
  const r1 = (resource: string) => `${service.url}${R1.replace(/gitrefs$/, resource)}`;
  for (let i = 0; i < 20; i++) await get(r1('gitrefs')); // warm caches and connections

  const binary = await withRssSampling(pid, () => get(r1('big-binary')));
  const bigJson = await withRssSampling(pid, () => get(r1('big-json')));
  const hashOf = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  const bigUnchanged = bigJson.result.status === 200 && bigJson.result.sha256 === hashOf(bodies['big-json'] as Buffer);
  const alive = service.proc.child.exitCode === null && (await fetch(`${service.url}/healthz`)).status === 200;
  const direct = await get(`${upstream.url}/api/mid-json`);
  const mid = await withRssSampling(pid, () => get(r1('mid-json'), true));
  const midList = JSON.parse(mid.result.text ?? 'null') as { listMeta?: { totalItems?: number }; items?: unknown[] } | null;
  const normalised = mid.result.status === 200 && midList?.listMeta?.totalItems === midList?.items?.length;
  await upstream.stop();

  const mark = (pass: boolean) => (pass ? '✅ met' : '❌ not met');
  const mb = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;
  console.log(
    [
      `### Large answers — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      '',
      `\`npm run bench:large-answer\` · ${cpus().length} CPUs (${cpus()[0]?.model.trim()}) · Node ${process.version} · R1 through the service (LOG_LEVEL=info), VmRSS sampled every 50 ms`,
      '',
      '| answer | result | time | service RSS growth | target | verdict |',
      '|---|---|--:|--:|---|---|',
      `| ${mb(BINARY_BYTES)} application/octet-stream | ${binary.result.status}, ${mb(binary.result.bytes)} | ${binary.result.ms.toFixed(0)} ms | ${binary.growthMb.toFixed(1)} MB | streamed, ≤ 20 MB growth | ${mark(binary.result.bytes === BINARY_BYTES && binary.growthMb <= 20)} |`,
      `| ${mb((bodies['big-json'] as Buffer).length)} bare JSON array (above the 16 MiB cap) | ${bigJson.result.status}, ${mb(bigJson.result.bytes)}, ${bigUnchanged ? 'byte for byte unchanged' : 'CHANGED'}; service ${alive ? 'alive' : 'DOWN'} | ${bigJson.result.ms.toFixed(0)} ms | ${bigJson.growthMb.toFixed(1)} MB | relayed unchanged, no crash | ${mark(bigUnchanged && alive)} |`,
      `| ${mb((bodies['mid-json'] as Buffer).length)} bare JSON array | ${mid.result.status}, ${normalised ? `normalised, totalItems ${midList?.listMeta?.totalItems}` : 'NOT normalised'} | ${mid.result.ms.toFixed(0)} ms (direct ${direct.ms.toFixed(0)} ms) | ${mid.growthMb.toFixed(1)} MB | normalised | ${mark(normalised)} |`,
    ].join('\n'),
  );
  return 0;
}

runMain(main);

// The bench's ConnectorClass API: a minimal node:http server answering every request with the same ~1 KiB
// conformant JSON list, keep-alive on. Self-contained (run by bench/run.ts as its own pinned process, compiled
// to plain JS: prints "listening <port>"), or started in-process with startUpstream().
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';

/** {"listMeta":{"totalItems":N},"items":[…]} with N git refs: 12 items ≈ 1 KiB. */
export function listBody(totalItems = 12): Buffer {
  const items = Array.from({ length: totalItems }, (_, i) => ({
    name: `refs/heads/branch-${String(i).padStart(4, '0')}`,
    commitID: (i * 2654435761).toString(16).padStart(8, '0').repeat(5),
  }));
  return Buffer.from(JSON.stringify({ listMeta: { totalItems }, items }));
}

export interface Upstream {
  readonly url: string;
  stop(): Promise<void>;
}

/** Listens on 127.0.0.1; `handler` replaces the fixed list answer. */
export function startUpstream(port = 0, handler?: http.RequestListener): Promise<Upstream> {
  const body = listBody();
  const headers = { 'content-type': 'application/json', 'content-length': String(body.length) };
  const server = http.createServer(
    handler ??
      ((req, res) => {
        req.resume();
        res.writeHead(200, headers).end(body);
      }),
  );
  server.keepAliveTimeout = 65_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${bound}`,
        stop: () => {
          server.closeAllConnections();
          return new Promise((done) => server.close(() => done()));
        },
      });
    });
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const upstream = await startUpstream(Number(process.argv[2] ?? 0));
  console.log(`listening ${new URL(upstream.url).port}`);
}

// The yardstick for "what Node can do": a hand-written node:http pipe proxy with a keep-alive agent.
// `node baseline-proxy.js <upstream-url>` listens on 127.0.0.1 (a free port) and prints "listening <port>".
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const upstream = new URL(process.argv[2] ?? 'http://127.0.0.1:1');
const agent = new http.Agent({ keepAlive: true, maxFreeSockets: 64 });
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'];

function withoutHopByHop(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = { ...headers };
  for (const name of HOP_BY_HOP) delete out[name];
  return out;
}

const server = http.createServer((req, res) => {
  const headers = { ...withoutHopByHop(req.headers), host: upstream.host };
  const proxyReq = http.request(
    { hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent },
    (proxyRes) => {
      res.writeHead(proxyRes.statusCode ?? 502, withoutHopByHop(proxyRes.headers));
      proxyRes.pipe(res);
    },
  );
  proxyReq.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(proxyReq);
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => console.log(`listening ${(server.address() as AddressInfo).port}`));
// A normal exit on SIGTERM, so that `node --cpu-prof` writes its profile (bench:profile).
process.once('SIGTERM', () => server.close(() => process.exit(0)));

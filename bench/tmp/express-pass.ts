// express app, but the handler is a hand-written pipe
import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
const upstream = new URL(process.argv[2] ?? 'http://127.0.0.1:1');
const agent = new http.Agent({ keepAlive: true, maxFreeSockets: 64 });
const HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'];
const strip = (h: http.IncomingHttpHeaders) => { const o: http.OutgoingHttpHeaders = { ...h }; for (const n of HOP) delete o[n]; return o; };
const app = express();
app.use((req, res) => {
  const proxyReq = http.request({ hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...strip(req.headers), host: upstream.host }, agent }, (pr) => { res.writeHead(pr.statusCode ?? 502, strip(pr.headers)); pr.pipe(res); });
  proxyReq.on('error', () => { if (!res.headersSent) res.writeHead(502); res.end(); });
  req.pipe(proxyReq);
});
const server = http.createServer(app);
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => console.log(`listening ${(server.address() as AddressInfo).port}`));

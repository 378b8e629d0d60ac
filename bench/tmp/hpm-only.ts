import { createProxyMiddleware } from 'http-proxy-middleware';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
const target = process.argv[2] ?? 'http://127.0.0.1:1';
const proxy = createProxyMiddleware({ target, agent: new http.Agent({ keepAlive: true, maxFreeSockets: 64 }) });
const server = http.createServer((req, res) => void proxy(req, res, () => { res.statusCode = 404; res.end(); }));
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => console.log(`listening ${(server.address() as AddressInfo).port}`));

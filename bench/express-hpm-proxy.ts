// The frameworks' floor: bare express 5 + http-proxy-middleware 3 piping every request to the upstream through a
// keep-alive agent, nothing else. `node express-hpm-proxy.js <upstream-url>` prints "listening <port>".
import express from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const target = process.argv[2] ?? 'http://127.0.0.1:1';
const app = express();
app.use(createProxyMiddleware({ target, agent: new http.Agent({ keepAlive: true, maxFreeSockets: 64 }) }));

const server = http.createServer(app);
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => console.log(`listening ${(server.address() as AddressInfo).port}`));

// The frameworks' floor: bare express 5 + http-proxy-middleware 3 piping every request to the upstream through a
// keep-alive agent, nothing else. `node express-hpm-proxy.js <upstream-url> [--express-messages]` prints
// "listening <port>". With --express-messages the server builds req and res with Express's prototypes, as the
// service does (src/express-messages.ts), so Express's per-request Object.setPrototypeOf has nothing to do.
import express from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expressMessageClasses } from '../src/express-messages.js';

const target = process.argv[2] ?? 'http://127.0.0.1:1';
const app = express();
app.use(createProxyMiddleware({ target, agent: new http.Agent({ keepAlive: true, maxFreeSockets: 64 }) }));

const server = http.createServer(process.argv.includes('--express-messages') ? { ...expressMessageClasses(app) } : {}, app);
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => console.log(`listening ${(server.address() as AddressInfo).port}`));
// A normal exit on SIGTERM, so that `node --cpu-prof` writes its profile (bench:profile).
process.once('SIGTERM', () => server.close(() => process.exit(0)));

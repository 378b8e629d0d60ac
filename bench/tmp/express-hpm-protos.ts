import express from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
const target = process.argv[2] ?? 'http://127.0.0.1:1';
const app = express();
app.use(createProxyMiddleware({ target, agent: new http.Agent({ keepAlive: true, maxFreeSockets: 64 }) }));
function ExpressRequest(...args: unknown[]) { return Reflect.construct(http.IncomingMessage, args, ExpressRequest); }
ExpressRequest.prototype = app.request;
function ExpressResponse(...args: unknown[]) { return Reflect.construct(http.ServerResponse, args, ExpressResponse); }
ExpressResponse.prototype = app.response;
const server = http.createServer({ IncomingMessage: ExpressRequest as never, ServerResponse: ExpressResponse as never }, app);
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => console.log(`listening ${(server.address() as AddressInfo).port}`));

import type { Request, RequestHandler, Response } from 'express';
import http from 'node:http';
import https from 'node:https';
import { createProxyMiddleware, type Options } from 'http-proxy-middleware';
import { statusFromProxyError } from '../core/upstream-status.js';
import type { Logger } from '../logger.js';
import { writeStatusError } from './error-handler.js';
import { relayClassApiResponse } from './normalise-response.js';
import { contextOf, required } from './request-context.js';

export interface ClassApiProxyOptions {
  /** Deadline for the upstream's response headers, and idle bound on its body. */
  readonly timeoutMs: number;
  readonly maxNormaliseBytes: number;
  readonly logger: Logger;
  readonly onUpstreamResponse?: (status: number, seconds: number) => void;
}

const UPSTREAM = 'the ConnectorClass API';

/**
 * Forwards to the upstream target resolved earlier in the chain with http-proxy-middleware. The request line
 * is the raw target built by core/upstream-url (toProxy keeps http-proxy from re-parsing it); responses go
 * through relayClassApiResponse; network failures become Status through the shared renderer.
 */
export function proxyToClassApi(options: ClassApiProxyOptions): RequestHandler {
  // Keep-alive agents: without them http-proxy closes both connections on every request.
  const viaHttp = createProxy(new http.Agent({ keepAlive: true, maxFreeSockets: 64 }), options);
  const viaHttps = createProxy(new https.Agent({ keepAlive: true, maxFreeSockets: 64 }), options);
  return (req, res, next) => {
    const { origin } = required(req, 'upstream');
    return (origin.startsWith('https:') ? viaHttps : viaHttp)(req, res, next);
  };
}

function createProxy(agent: http.Agent, options: ClassApiProxyOptions): RequestHandler {
  const proxyOptions: Options<Request, Response> = {
    router: (req) => required(req, 'upstream').origin,
    pathRewrite: (_path, req) => required(req, 'upstream').requestTarget,
    changeOrigin: true,
    toProxy: true,
    xfwd: false,
    selfHandleResponse: true,
    agent,
    on: {
      proxyReq: (proxyReq, req) => {
        // http-proxy's urlJoin collapses '//' and turns a segment 'http:' + '/' into 'http://'; the request line
        // must be exactly the target core/upstream-url built. Headers (and so the path) are not written yet:
        // this hook runs on 'socket', and Expect, which would have written them early, was removed upstream.
        proxyReq.path = required(req, 'upstream').requestTarget;
        const started = Date.now();
        const deadline = setTimeout(() => proxyReq.destroy(upstreamTimeout()), options.timeoutMs);
        proxyReq.once('response', (proxyRes) => {
          clearTimeout(deadline);
          options.onUpstreamResponse?.(proxyRes.statusCode ?? 0, (Date.now() - started) / 1000);
          // Idle bound on the body: a stalled upstream must not hold the client forever.
          proxyRes.setTimeout(options.timeoutMs, () => proxyRes.destroy(upstreamTimeout()));
        });
        proxyReq.once('close', () => clearTimeout(deadline));
        contextOf(req).upstreamStatus = undefined;
      },
      proxyRes: (proxyRes, req, res) => {
        contextOf(req).upstreamStatus = proxyRes.statusCode;
        relayClassApiResponse(proxyRes, req, res, contextOf(req).paging, options);
      },
      error: (err, req, res) => {
        const statusError = statusFromProxyError(err as NodeJS.ErrnoException, UPSTREAM);
        options.logger.warn('upstream request failed', { code: (err as NodeJS.ErrnoException).code, message: err.message, path: (req as Request).path });
        if (res instanceof http.ServerResponse) writeStatusError(res, statusError);
        else res.destroy();
      },
    },
  };
  return createProxyMiddleware(proxyOptions);
}

function upstreamTimeout(): Error {
  return Object.assign(new Error(`${UPSTREAM} did not answer in time`), { code: 'UPSTREAM_TIMEOUT' });
}

import type { Request, RequestHandler, Response } from 'express';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import { LRUCache } from 'lru-cache';
import { createProxyMiddleware, debugProxyErrorsPlugin, proxyEventsPlugin, type Options, type Plugin } from 'http-proxy-middleware';
import { statusFromProxyError } from '../core/upstream-status.js';
import type { ProviderType } from '../core/openapi-match.js';
import type { UpstreamTarget } from '../core/upstream-url.js';
import { StatusError } from '../errors.js';
import { CREDENTIALS, type Logger } from '../logger.js';
import { writeStatusError } from './error-handler.js';
import { relayClassApiResponse, relayUnchanged } from './normalise-response.js';
import { contextOf, required } from './request-context.js';

export interface UpstreamProxyOptions {
  /** Deadline for the upstream's response headers, and idle bound on its body. */
  readonly timeoutMs: number;
  readonly logger: Logger;
  readonly onUpstreamResponse?: (dispatch: ProviderType, status: number, seconds: number) => void;
}

type Relay = (proxyRes: IncomingMessage, req: IncomingMessage, res: ServerResponse) => void;

/** To the ConnectorClass API: lists normalised, errors turned into Status. */
export function proxyToClassApi(options: UpstreamProxyOptions & { readonly maxNormaliseBytes: number }): RequestHandler {
  return upstreamProxy({ what: 'the ConnectorClass API', dispatch: 'api' }, options, (proxyRes, req, res) =>
    relayClassApiResponse(proxyRes, req, res, contextOf(req).paging, options));
}

/** To the tool itself: its answer relayed as it is (status, headers, body), its own 401/403 included. */
export function proxyToTool(options: UpstreamProxyOptions): RequestHandler {
  return upstreamProxy({ what: 'the tool', dispatch: 'proxy' }, options, relayUnchanged);
}

/**
 * http-proxy-middleware to the upstream target resolved earlier in the chain. One proxy per scheme, because
 * http-proxy takes a single agent; both agents keep connections alive (without that http-proxy closes both
 * connections on every request). Network failures become Status through the shared renderer.
 */
interface Upstream {
  /** How error messages name the upstream. */
  what: string;
  dispatch: ProviderType;
}

function upstreamProxy(upstream: Upstream, options: UpstreamProxyOptions, relay: Relay): RequestHandler {
  const viaHttp = createProxy(upstream, new http.Agent({ keepAlive: true, maxFreeSockets: 64 }), options, relay);
  const viaHttps = createProxy(upstream, new https.Agent({ keepAlive: true, maxFreeSockets: 64 }), options, relay);
  return (req, res, next) => (required(req, 'upstream').origin.startsWith('https:') ? viaHttps : viaHttp)(req, res, next);
}

/** The target as http-proxy reads it (the fields of a legacy url.parse result it uses), plus an optional CA pool. */
interface ProxyTarget {
  readonly protocol: string;
  readonly host: string;
  readonly hostname: string;
  readonly port: string;
  readonly ca?: string[];
}

// Given a string, http-proxy runs url.parse on it for every request; an origin's target object is built once.
const targetsByOrigin = new LRUCache<string, ProxyTarget>({ max: 1024 });

/** A target object for http-proxy; with the per-Connector CA pool when there is one (http-proxy copies `ca` to TLS). */
export function proxyTarget(upstream: UpstreamTarget): ProxyTarget {
  let target = targetsByOrigin.get(upstream.origin);
  if (!target) {
    const url = new URL(upstream.origin);
    // url.parse's shape: host with its port, hostname without IPv6 brackets, port '' for the scheme's default.
    target = { protocol: url.protocol, host: url.host, hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port };
    targetsByOrigin.set(upstream.origin, target);
  }
  return upstream.ca ? { ...target, ca: [...upstream.ca] } : target;
}

function createProxy({ what, dispatch }: Upstream, agent: http.Agent, options: UpstreamProxyOptions, relay: Relay): RequestHandler {
  const upstreamTimeout = () => Object.assign(new Error(`${what} did not answer in time`), { code: 'UPSTREAM_TIMEOUT' });
  const proxyOptions: Options<Request, Response> = {
    router: (req) => proxyTarget(required(req, 'upstream')) as unknown as string,
    // The request line is set in the proxyReq hook below; http-proxy's own join of target path and req.url is
    // skipped, and req.url stays the client's.
    ignorePath: true,
    changeOrigin: true,
    toProxy: true, // req.url as it is rather than url.parse(req.url) on every request (ignored anyway)
    xfwd: false,
    selfHandleResponse: true,
    agent,
    // The default plugins minus loggerPlugin, which formats a URL (walking the agent's sockets) on every answer
    // for a logger we do not give it. proxyEvents wires `on`; debugProxyErrors keeps socket errors from crashing
    // us and destroys the upstream answer when the client goes away.
    ejectPlugins: true,
    plugins: [debugProxyErrorsPlugin, proxyEventsPlugin] as unknown as Plugin<Request, Response>[],
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
          options.onUpstreamResponse?.(dispatch, proxyRes.statusCode ?? 0, (Date.now() - started) / 1000);
          // Idle bound on the body: a stalled upstream must not hold the client forever.
          proxyRes.setTimeout(options.timeoutMs, () => proxyRes.destroy(upstreamTimeout()));
        });
        proxyReq.once('close', () => clearTimeout(deadline));
      },
      proxyRes: (proxyRes, req, res) => {
        const code = proxyRes.statusCode ?? 0;
        contextOf(req).upstreamStatus = code;
        // Node's client accepts any three digits; a code our server cannot send is the upstream's fault.
        if (code < 100 || code > 599) {
          proxyRes.destroy();
          return writeStatusError(res, new StatusError(502, '', `${what} answered an invalid HTTP status code ${code}`));
        }
        // These hooks run outside Express: nothing may throw out of them.
        try {
          relay(proxyRes, req, res);
        } catch (err) {
          options.logger.error('relaying the upstream answer failed', { upstream: what, error: err, [CREDENTIALS]: contextOf(req).credentials });
          proxyRes.destroy();
          writeStatusError(res, new StatusError(502, '', `${what} sent an answer that could not be relayed`));
        }
      },
      error: (err, req, res) => {
        const errno = err as NodeJS.ErrnoException;
        // The client's path without its query (like the access line), not req.path: the proxy has rewritten that
        // to the upstream's. Either may quote a credential; the logger masks this request's.
        const path = (req as Request).originalUrl.split('?', 1)[0];
        options.logger.warn('upstream request failed', { upstream: what, code: errno.code, message: err.message, path, [CREDENTIALS]: contextOf(req).credentials });
        if (res instanceof http.ServerResponse) writeStatusError(res, statusFromProxyError(errno, what));
        else res.destroy();
      },
    },
  };
  return createProxyMiddleware(proxyOptions);
}

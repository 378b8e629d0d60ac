import type { IncomingHttpHeaders } from 'node:http';

/**
 * Client request headers that never reach an upstream. Removed from the request before the proxy runs:
 * http-proxy skips its proxyReq hook when the client sent `Expect`, so removing them there would let a token
 * through.
 */
export const CLIENT_HEADERS_NEVER_FORWARDED: readonly (string | RegExp)[] = [
  // the caller's own credentials: the upstream gets the Connector's, never the caller's
  'authorization',
  'proxy-authorization',
  'cookie',
  // the upstream trusts X-Plugin-* as ours; a client copy would spoof the Connector's identity or secret
  /^x-plugin-/,
  // identity claims that some upstreams honour; only the API server may impersonate
  /^impersonate-/,
  /^x-remote-/,
  // forwarding claims we did not make
  'forwarded',
  /^x-forwarded-/,
  'x-real-ip',
  // `Expect: 100-continue` makes http-proxy bypass header rewriting (see above); we never need it upstream
  'expect',
  // hop-by-hop (RFC 9110 §7.6.1): they describe the client's connection, not the upstream's
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'upgrade',
];

function neverForwarded(name: string): boolean {
  return CLIENT_HEADERS_NEVER_FORWARDED.some((rule) => (typeof rule === 'string' ? rule === name : rule.test(name)));
}

/**
 * Removes, in place, every header of the policy plus any header the client listed in `Connection` (which makes
 * it hop-by-hop). Header names in Node's `IncomingHttpHeaders` are already lower-case.
 */
export function sanitiseClientHeaders(headers: IncomingHttpHeaders): void {
  const listedInConnection = String(headers.connection ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== '');
  for (const name of Object.keys(headers)) {
    if (neverForwarded(name) || listedInConnection.includes(name)) delete headers[name];
  }
}

/**
 * Request header fields accepted per request (Apache httpd's LimitRequestFields default); more → 431. Clients send
 * a few dozen at most.
 */
export const MAX_REQUEST_HEADER_FIELDS = 100;

/**
 * Upstream response headers that describe the upstream connection, or that we set ourselves: X-Request-Id is this
 * request's id, the one in our access log and sent upstream (a tool such as GitLab answers with its own).
 */
export const UPSTREAM_RESPONSE_HEADERS_NOT_RELAYED: readonly string[] = [
  'x-request-id',
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
];

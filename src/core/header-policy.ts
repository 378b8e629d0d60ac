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

// The policy compiled once: exact names in a Set, name prefixes in one anchored alternation.
const NEVER_FORWARDED_NAMES: ReadonlySet<string> = new Set(CLIENT_HEADERS_NEVER_FORWARDED.filter((rule): rule is string => typeof rule === 'string'));
const NEVER_FORWARDED_PATTERN = new RegExp(
  CLIENT_HEADERS_NEVER_FORWARDED.filter((rule): rule is RegExp => typeof rule !== 'string')
    .map((rule) => `(?:${rule.source})`)
    .join('|') || '(?!)',
);

function neverForwarded(name: string): boolean {
  return NEVER_FORWARDED_NAMES.has(name) || NEVER_FORWARDED_PATTERN.test(name);
}

/**
 * The headers an upstream gets: the client's, less every header of the policy and any header the client listed
 * in `Connection` (which makes it hop-by-hop), plus `injected` (the Connector's credentials). A new object: the
 * client's is left as it was (deleting fields in place would turn it into a slow dictionary object that
 * http-proxy then copies). Header names in Node's `IncomingHttpHeaders` are already lower-case.
 */
export function upstreamRequestHeaders(clientHeaders: IncomingHttpHeaders, injected: Readonly<Record<string, string>> = {}): IncomingHttpHeaders {
  const connection = clientHeaders.connection;
  const listedInConnection = connection
    ? connection
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter((h) => h !== '')
    : [];
  const out: IncomingHttpHeaders = {};
  for (const name of Object.keys(clientHeaders)) {
    if (!neverForwarded(name) && !listedInConnection.includes(name)) out[name] = clientHeaders[name];
  }
  return Object.assign(out, injected);
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

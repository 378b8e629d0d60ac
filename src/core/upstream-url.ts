import { parseHttpBase } from './http-url.js';

export interface UpstreamTarget {
  /** scheme://host[:port] of the upstream. */
  origin: string;
  /** The origin-form request-target sent on the request line: base path prefix + raw segments + raw query. */
  requestTarget: string;
  /** Certificates to trust for an https upstream instead of the defaults (the custom CA pool); undefined = system roots. */
  ca?: readonly string[];
}

/**
 * Joins a ConnectorClass API base (which may carry a path prefix such as /api) with already-validated raw path
 * segments and the raw query. Exactly one '/' at the join. The segments and the query are never round-tripped
 * through a URL parser, which would re-encode or drop bytes (WHATWG URL also folds %2e segments), so they reach
 * the upstream exactly as the client wrote them.
 */
export function joinUpstreamTarget(base: string, rawSegments: readonly string[], rawQuery: string | undefined): UpstreamTarget {
  const parsed = parseHttpBase(base);
  // Bases reach here only after isHttpUrl accepted them (class-api-url, tool-credentials).
  if (!parsed) throw new Error('the upstream base is not an http(s) URL'); // its text may hold userinfo: not quoted
  const query = rawQuery === undefined ? '' : `?${rawQuery}`;
  return { origin: parsed.origin, requestTarget: `${parsed.pathPrefix}/${rawSegments.join('/')}${query}` };
}

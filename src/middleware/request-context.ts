import type { IncomingMessage } from 'node:http';
import type { Paging } from '../core/list-shape.js';
import type { MatchedOperation } from '../core/openapi-match.js';
import type { ConnectorRequestPath } from '../core/request-path.js';
import type { Connector, ConnectorClass, UserInfo } from '../core/types.js';
import type { UpstreamTarget } from '../core/upstream-url.js';

/**
 * What the chain learns about a request, step by step. Kept beside the request (not in ad-hoc res.locals
 * fields) so http-proxy hooks, which only see the IncomingMessage, can read it too.
 */
export interface RequestContext {
  requestId?: string;
  /** The caller's `Authorization: Bearer` token when it sent a well-formed one (recordCallerToken). */
  bearerToken?: string;
  /**
   * Strings that must never reach a client or a log line through this request: the caller's bearer token, and
   * the credentials injected upstream. writeStatus and the access log scrub them.
   */
  credentials: string[];
  path?: ConnectorRequestPath;
  paging?: Paging;
  user?: UserInfo;
  connector?: Connector;
  connectorClass?: ConnectorClass;
  /** The OpenAPI operation (R2); R1 is always the ConnectorClass API with no template. */
  operation?: MatchedOperation;
  upstream?: UpstreamTarget;
  upstreamStatus?: number;
}

// A symbol-keyed property rather than a WeakMap: a lookup is a property load, and the garbage collector has no
// ephemeron table to walk for every request in the young generation.
const CONTEXT = Symbol('connectors-api.request-context');

type WithContext = IncomingMessage & { [CONTEXT]?: RequestContext };

export function contextOf(req: IncomingMessage): RequestContext {
  return ((req as WithContext)[CONTEXT] ??= newContext());
}

/** Every field present from the start: one object shape for every request as the chain fills it in. */
function newContext(): RequestContext {
  return {
    requestId: undefined,
    bearerToken: undefined,
    credentials: [],
    path: undefined,
    paging: undefined,
    user: undefined,
    connector: undefined,
    connectorClass: undefined,
    operation: undefined,
    upstream: undefined,
    upstreamStatus: undefined,
  };
}

/** Reads a field a previous step must have set; a missing one is a wiring bug, not a client error. */
export function required<K extends keyof RequestContext>(req: IncomingMessage, key: K): NonNullable<RequestContext[K]> {
  const value = contextOf(req)[key];
  if (value === undefined || value === null) throw new Error(`request context has no ${key}: chain steps are out of order`);
  return value as NonNullable<RequestContext[K]>;
}

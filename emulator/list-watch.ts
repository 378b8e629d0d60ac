// GET on a collection: a List with the current global resourceVersion, or (?watch) an NDJSON event stream that
// starts from the current state, replays history after a resourceVersion, or ends with ERROR 410 Expired.
import type { ServerResponse } from 'node:http';
import type { MemoryObjectStore, StoreEvent } from './object-store.js';
import { apiVersionOf, type ResourceType } from './resources.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import { StatusError, toStatus } from './status.js';
import type { KubeObject } from './types.js';
import type { WatchEvent, WatchHub } from './watch-hub.js';
import { isTruthyParam } from './request-path.js';

const DEFAULT_WATCH_TIMEOUT_SECONDS = 1800;

export interface CollectionRequest {
  readonly rt: ResourceType;
  readonly namespace: string; // "" = all namespaces
  readonly query: URLSearchParams;
}

type Matcher = (obj: KubeObject) => boolean;

function matcherFor({ rt, namespace, query }: CollectionRequest): Matcher {
  const labels = parseLabelSelector(query.get('labelSelector'));
  const fields = parseFieldSelector(query.get('fieldSelector'), rt.kind);
  return (obj) => (namespace === '' || obj.metadata.namespace === namespace) && labels(obj) && fields(obj);
}

// typed lists of built-in kinds carry TypeMeta only on the list itself
function listItem(rt: ResourceType, obj: KubeObject): unknown {
  if (rt.custom) return obj;
  const { kind: _k, apiVersion: _a, ...rest } = obj;
  return rest;
}

interface ContinueToken {
  rv: string; // the resourceVersion of the first page: every page reports it, as the API server does
  after: string; // namespace/name of the last item served
}

function decodeContinue(raw: string | null): ContinueToken | undefined {
  if (!raw) return undefined;
  try {
    const token = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as ContinueToken;
    if (typeof token.rv === 'string' && typeof token.after === 'string') return token;
  } catch {
    // fall through
  }
  throw StatusError.badRequest('invalid continue token');
}

function parseLimit(raw: string | null): number | undefined {
  if (raw === null || raw === '' || raw === '0') return undefined;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 0) throw StatusError.badRequest(`invalid limit: "${raw}"`);
  return limit;
}

const keyOf = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/**
 * The <Kind>List body for a list request. `limit` pages the list: `metadata.continue` names where the next page
 * starts and `remainingItemCount` how many are left. Unlike etcd, later pages show the objects as they are now,
 * not as they were at the first page's resourceVersion; a watch from that resourceVersion replays the difference.
 */
export function listCollection(store: MemoryObjectStore, req: CollectionRequest): unknown {
  const matches = matcherFor(req);
  const limit = parseLimit(req.query.get('limit'));
  const from = decodeContinue(req.query.get('continue'));
  const all = store.listByType(req.rt, req.namespace || undefined).filter(matches);
  const rest = from ? all.filter((o) => keyOf(o) > from.after) : all;
  const page = limit === undefined ? rest : rest.slice(0, limit);
  const rv = from?.rv ?? String(store.currentResourceVersion());
  const remaining = rest.length - page.length;
  const last = page.at(-1);
  const next = remaining > 0 && last ? Buffer.from(JSON.stringify({ rv, after: keyOf(last) })).toString('base64url') : undefined;
  return {
    kind: `${req.rt.kind}List`,
    apiVersion: apiVersionOf(req.rt),
    metadata: next ? { resourceVersion: rv, continue: next, remainingItemCount: remaining } : { resourceVersion: rv },
    items: page.map((o) => listItem(req.rt, o)),
  };
}

// the watch cache's view of a write through a selector: entering is ADDED, leaving is DELETED (at the new RV)
function eventFor(rt: ResourceType, matches: Matcher, e: StoreEvent): WatchEvent | undefined {
  if (e.rt !== rt) return undefined;
  const now = matches(e.object);
  if (e.type !== 'MODIFIED' || !e.oldObject) return now ? { type: e.type, object: e.object } : undefined;
  const before = matches(e.oldObject);
  if (now) return { type: before ? 'MODIFIED' : 'ADDED', object: e.object };
  if (!before) return undefined;
  const gone = structuredClone(e.oldObject);
  gone.metadata.resourceVersion = e.object.metadata.resourceVersion;
  return { type: 'DELETED', object: gone };
}

function parseTimeout(query: URLSearchParams): number {
  const raw = query.get('timeoutSeconds');
  if (raw === null || raw === '') return DEFAULT_WATCH_TIMEOUT_SECONDS;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 0) throw StatusError.badRequest(`invalid timeoutSeconds: "${raw}"`);
  return seconds === 0 ? DEFAULT_WATCH_TIMEOUT_SECONDS : seconds;
}

export interface WatchDeps {
  readonly store: MemoryObjectStore;
  readonly hub: WatchHub;
}

/** Serves ?watch=true on a collection. Validation errors are thrown before the 200 is written. */
export function serveWatch(deps: WatchDeps, req: CollectionRequest, res: ServerResponse): void {
  const { store, hub } = deps;
  const { rt, query } = req;
  const matches = matcherFor(req);
  const timeoutMs = parseTimeout(query) * 1000;
  const rawRv = query.get('resourceVersion') ?? '';
  const fromRv = rawRv === '' || rawRv === '0' ? undefined : Number(rawRv);
  if (fromRv !== undefined && (!Number.isInteger(fromRv) || fromRv < 0)) {
    throw StatusError.badRequest(`invalid resource version: "${rawRv}"`);
  }
  const replay = fromRv === undefined ? [] : store.eventsAfter(fromRv);
  if (replay === undefined) {
    // like the watch cache: a 200 whose only event is ERROR 410, then the end of the stream
    const expired = StatusError.expired(`too old resource version: ${rawRv} (${store.oldestResourceVersion()})`);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
    res.end(`${JSON.stringify({ type: 'ERROR', object: toStatus(expired) })}\n`);
    return;
  }
  const bookmarks = isTruthyParam(query.get('allowWatchBookmarks'));
  let unsubscribe: () => void = () => undefined;
  const stream = hub.open(res, {
    timeoutMs,
    onClose: () => unsubscribe(),
    bookmark: bookmarks
      ? () => ({ kind: rt.kind, apiVersion: apiVersionOf(rt), metadata: { resourceVersion: String(store.currentResourceVersion()) } })
      : undefined,
  });
  // snapshot and subscription happen in the same tick, so no write falls between them
  const initial: WatchEvent[] =
    fromRv === undefined
      ? store.listByType(rt, req.namespace || undefined).filter(matches).map((o) => ({ type: 'ADDED', object: o }))
      : replay.map((e) => eventFor(rt, matches, e)).filter((e): e is WatchEvent => e !== undefined);
  unsubscribe = store.subscribe((e) => {
    const event = eventFor(rt, matches, e);
    if (event) stream.send(event);
  });
  for (const event of initial) stream.send(event);
}

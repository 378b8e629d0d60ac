/**
 * Example ConnectorClass API: the server a ConnectorClass's `spec.api` points at.
 *
 * The Connectors API authenticates and authorizes the caller, then forwards the read here with three headers
 * (spec §5) that tell us which tool to talk to and with which credentials. A real plugin would call the tool at
 * `baseURL` with the decoded Secret; this one answers from fixed data so it can run anywhere.
 *
 *   node --import tsx examples/class-api/server.ts --port 18081
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';

/** What the Connectors API tells us about the Connector behind a request. */
interface PluginContext {
  baseURL: string; // Connector.spec.address: the tool to call
  authType: string | null; // Secret type, e.g. kubernetes.io/basic-auth; null when the Connector has no Secret
  secret: Record<string, string>; // Secret data; values are STILL base64 (decode each before use)
}

type Json = Record<string, unknown> | unknown[];

const PREFIX = '/api'; // the class's spec.api.uri
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const ALLOWED_METHODS = 'GET, HEAD';

// A fixed repository: 12 refs, enough for two pages at the default page size.
const REFS = Array.from({ length: 12 }, (_, i) => ({
  name: i === 0 ? 'refs/heads/main' : i < 8 ? `refs/heads/feature-${i}` : `refs/tags/v1.${i - 8}.0`,
  commitID: (0xc0ffee00 + i).toString(16).padStart(40, '0'),
}));
const BRANCHES = REFS.filter((r) => r.name.startsWith('refs/heads/')).map((r) => ({ name: r.name.slice(11) }));

function decodeBase64(value: string): string | undefined {
  return STRICT_BASE64.test(value) ? Buffer.from(value, 'base64').toString('utf8') : undefined;
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Decodes X-Plugin-Meta/Auth/Secret; returns the message of a 400 when they are unusable. */
function decodePluginHeaders(req: http.IncomingMessage): PluginContext | string {
  let baseURL: unknown;
  try {
    baseURL = (JSON.parse(decodeBase64(header(req, 'x-plugin-meta') ?? '') ?? '') as { baseURL?: unknown }).baseURL;
  } catch {
    baseURL = undefined;
  }
  if (typeof baseURL !== 'string') return 'X-Plugin-Meta header is missing or invalid';

  // The spec sends base64(type); plugins built on katanomi/pkg expect the raw type, so accept both.
  // A raw type such as "kubernetes.io/basic-auth" is never valid padded base64 ('.' is not in the alphabet).
  const rawAuth = header(req, 'x-plugin-auth');
  const decodedAuth = rawAuth === undefined ? undefined : decodeBase64(rawAuth);
  const authType = rawAuth === undefined ? null : decodedAuth && /^[\w./-]+$/.test(decodedAuth) ? decodedAuth : rawAuth;

  const rawSecret = header(req, 'x-plugin-secret');
  let secret: unknown = {};
  try {
    if (rawSecret !== undefined) secret = JSON.parse(decodeBase64(rawSecret) ?? '');
  } catch {
    secret = undefined;
  }
  const isStringMap = (v: unknown): v is Record<string, string> =>
    typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
  if (!isStringMap(secret)) return 'X-Plugin-Secret header is invalid';
  return { baseURL, authType, secret };
}

function send(req: http.IncomingMessage, res: http.ServerResponse, code: number, body: Json | string): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(req.method === 'HEAD' ? undefined : text); // HEAD: same headers as GET, no body
}

// Errors are metav1.Status, like every Kubernetes-style API (spec §6).
function status(code: number, reason: string, message: string): Json {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

/** Parses page/itemsPerPage (pages start at 1); undefined when either is not a positive integer. */
function paging(query: URLSearchParams): { page: number; perPage: number } | undefined {
  const read = (name: string, dflt: number): number | undefined => {
    const v = query.get(name);
    if (v === null) return dflt;
    return /^[1-9][0-9]{0,5}$/.test(v) ? Number(v) : undefined;
  };
  const page = read('page', 1);
  const perPage = read('itemsPerPage', 10);
  return page === undefined || perPage === undefined ? undefined : { page, perPage };
}

type Route = (ctx: PluginContext, query: URLSearchParams) => { code: number; body: Json | string };

const ROUTES: Record<string, Route> = {
  gitrefs: (ctx, query) => {
    const p = paging(query);
    if (!p) return { code: 400, body: status(400, 'BadRequest', 'page and itemsPerPage must be positive integers') };
    const start = (p.page - 1) * p.perPage;
    // baseURL/authType show the headers arrived; the Secret's values are never echoed.
    const items = REFS.slice(start, start + p.perPage).map((r) => ({ ...r, baseURL: ctx.baseURL, authType: ctx.authType }));
    return { code: 200, body: { listMeta: { totalItems: REFS.length }, items } };
  },
  // A bare array: the Connectors API turns it into {listMeta, items} (and pages it) for the client.
  branches: () => ({ code: 200, body: BRANCHES }),
  whoami: (ctx) => ({
    code: 200,
    body: { baseURL: ctx.baseURL, authType: ctx.authType, secretKeys: Object.keys(ctx.secret).sort() },
  }),
  // A non-Status error: the Connectors API turns it into a metav1.Status for the client.
  broken: () => ({ code: 500, body: 'upstream exploded' }),
};

function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
  req.resume(); // reads carry no body; drain anything sent anyway
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', ALLOWED_METHODS);
    send(req, res, 405, status(405, 'MethodNotAllowed', `method ${req.method ?? ''} is not allowed`));
    return;
  }
  const url = new URL(req.url ?? '/', 'http://class-api.invalid');
  const name = url.pathname.startsWith(`${PREFIX}/`) ? url.pathname.slice(PREFIX.length + 1) : undefined;
  const route = name !== undefined && Object.hasOwn(ROUTES, name) ? ROUTES[name] : undefined;
  if (!route) {
    send(req, res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
    return;
  }
  const ctx = decodePluginHeaders(req);
  if (typeof ctx === 'string') {
    send(req, res, 400, status(400, 'BadRequest', ctx));
    return;
  }
  const { code, body } = route(ctx, url.searchParams);
  send(req, res, code, body);
}

/** Starts the example class API on 127.0.0.1 (port 0 = any free port). */
export async function startClassApi(
  opts: { port?: number; host?: string } = {},
): Promise<{ url: string; stop(): Promise<void> }> {
  const server = http.createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  let stopped: Promise<void> | undefined;
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // keep-alive sockets would otherwise hold close() open
      })),
  };
}

// Run directly: node --import tsx examples/class-api/server.ts [--port N]
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf('--port');
  const port = i > 0 ? Number(process.argv[i + 1]) : 18081;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be an integer between 0 and 65535, got "${process.argv[i + 1] ?? ''}"`);
    process.exit(2);
  }
  const api = await startClassApi({ port });
  console.log(`example ConnectorClass API listening on ${api.url}${PREFIX}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void api.stop());
}

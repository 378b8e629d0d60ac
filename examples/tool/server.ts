/**
 * Example tool: a tiny GitLab-like API, the thing a Connector's `spec.address` points at.
 *
 * R2 `proxy` operations (`/connectors/v1alpha1/{ns}/{name}/path/{api-path}`) reach a tool like this one directly,
 * with the Connector's Secret as `Authorization: Bearer <token>`. Like a real tool it checks its own credentials
 * (`Authorization: Bearer <token>` or `PRIVATE-TOKEN: <token>`) and answers in its own shapes: bare JSON arrays,
 * GitLab's `X-Total`/`X-Page` headers and `{"message":"401 Unauthorized"}` errors (never a metav1.Status).
 * The Connectors API must relay all of it unchanged.
 *
 *   node --import tsx examples/tool/server.ts --port 18082 --token T
 *
 * Routes (matched on the raw, still-encoded path, so `devops%2Fdemo` is one project id):
 *   GET                /api/v4/projects                               3 projects, `per_page`/`page`
 *   GET                /api/v4/projects/{id}/repository/branches      branches
 *   GET, POST          /api/v4/projects/{id}/issues                   issues; POST answers 201 {id, project, body}
 *   PUT, PATCH, DELETE /api/v4/projects/{id}/issues/{iid}             200 {iid, project, body}; DELETE 204
 *   GET                /stats                                         {"served_by":"tool"}
 * HEAD is GET without a body; OPTIONS answers 204 with `Allow`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';

export interface ToolRequest {
  method: string;
  /** The raw request-target exactly as received, undecoded (path + query). */
  url: string;
  headers: http.IncomingHttpHeaders;
}

export interface ToolOptions {
  /** The one credential the tool accepts (the Connector's Secret `token`). */
  token: string;
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Serve HTTPS with this PEM certificate and key. */
  tls?: { cert: string; key: string };
}

export interface Tool {
  /** http(s)://127.0.0.1:PORT */
  url: string;
  /** Every request that arrived, in order, answered or not (401s included). */
  requests: ToolRequest[];
  stop(): Promise<void>;
}

type Json = Record<string, unknown> | unknown[];
interface Reply {
  code: number;
  body?: Json;
  headers?: Record<string, string>;
}
type Handler = (ctx: { params: string[]; query: URLSearchParams; body: string }) => Reply;

const MAX_BODY = 1024 * 1024;

const PROJECTS = [
  { id: 1, path_with_namespace: 'devops/demo' },
  { id: 2, path_with_namespace: 'devops/tools' },
  { id: 3, path_with_namespace: 'team-a/website' },
];
const BRANCHES = ['main', 'develop', 'feature/login'].map((name, i) => ({
  name,
  default: i === 0,
  protected: i === 0,
  commit: { id: (0xbadc0de0 + i).toString(16).padStart(40, '0') },
}));
const ISSUES = [
  { iid: 1, title: 'Pipeline fails on main', state: 'opened' },
  { iid: 2, title: 'Document the release process', state: 'closed' },
];

const message = (text: string): Json => ({ message: text });

/** GitLab's paging: `page` (from 1) and `per_page` (default 20, at most 100); X-Total & co. on the answer. */
function paged(all: unknown[], query: URLSearchParams): Reply {
  const read = (name: string, dflt: number): number | undefined => {
    const v = query.get(name);
    if (v === null || v === '') return dflt;
    return /^[0-9]{1,6}$/.test(v) ? Number(v) : undefined;
  };
  const page = read('page', 1);
  const perPageRaw = read('per_page', 20);
  if (page === undefined) return { code: 400, body: { error: 'page is invalid' } };
  if (perPageRaw === undefined) return { code: 400, body: { error: 'per_page is invalid' } };
  const current = Math.max(page, 1);
  const perPage = perPageRaw < 1 ? 20 : Math.min(perPageRaw, 100);
  const totalPages = Math.max(1, Math.ceil(all.length / perPage));
  return {
    code: 200,
    body: all.slice((current - 1) * perPage, current * perPage),
    headers: {
      'X-Total': String(all.length),
      'X-Total-Pages': String(totalPages),
      'X-Page': String(current),
      'X-Per-Page': String(perPage),
      'X-Next-Page': current < totalPages ? String(current + 1) : '',
      'X-Prev-Page': current > 1 ? String(current - 1) : '',
    },
  };
}

interface Route {
  /** Segments after the leading `/`; `{}` matches exactly one non-empty raw segment. */
  pattern: string[];
  methods: Partial<Record<string, Handler>>;
}

function routes(): Route[] {
  let nextIssueId = 100; // per server: each POST creates a new issue
  const split = (p: string) => p.slice(1).split('/');
  return [
    { pattern: split('/api/v4/projects'), methods: { GET: ({ query }) => paged(PROJECTS, query) } },
    {
      pattern: split('/api/v4/projects/{}/repository/branches'),
      methods: { GET: ({ query }) => paged(BRANCHES, query) },
    },
    {
      pattern: split('/api/v4/projects/{}/issues'),
      methods: {
        GET: ({ params, query }) => paged(ISSUES.map((i) => ({ id: i.iid, ...i, project: params[0] })), query),
        POST: ({ params, body }) => ({ code: 201, body: { id: nextIssueId++, project: params[0], body } }),
      },
    },
    {
      pattern: split('/api/v4/projects/{}/issues/{}'),
      methods: {
        PUT: ({ params, body }) => issueUpdate(params, body),
        PATCH: ({ params, body }) => issueUpdate(params, body),
        DELETE: ({ params }) => (/^[0-9]+$/.test(params[1] ?? '') ? { code: 204 } : { code: 404, body: message('404 Issue Not Found') }),
      },
    },
    { pattern: ['stats'], methods: { GET: () => ({ code: 200, body: { served_by: 'tool' } }) } },
  ];
}

function issueUpdate(params: string[], body: string): Reply {
  const iid = params[1] ?? '';
  if (!/^[0-9]+$/.test(iid)) return { code: 404, body: message('404 Issue Not Found') };
  return { code: 200, body: { iid: Number(iid), project: params[0], body } };
}

/** The route whose pattern matches the raw path, and the raw (still-encoded) template values. */
function match(table: Route[], rawPath: string): { route: Route; params: string[] } | undefined {
  if (!rawPath.startsWith('/')) return undefined;
  const segments = rawPath.slice(1).split('/');
  for (const route of table) {
    if (route.pattern.length !== segments.length) continue;
    const params: string[] = [];
    const ok = route.pattern.every((p, i) => {
      const s = segments[i] ?? '';
      if (p !== '{}') return p === s;
      params.push(s);
      return s !== '';
    });
    if (ok) return { route, params };
  }
  return undefined;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** True when `Authorization: Bearer <token>` or `PRIVATE-TOKEN: <token>` carries the tool's token. */
function authenticated(headers: http.IncomingHttpHeaders, expected: Buffer): boolean {
  const presented: string[] = [];
  const bearer = /^Bearer +(\S+) *$/i.exec(headers.authorization ?? '');
  if (bearer?.[1]) presented.push(bearer[1]);
  const privateToken = headers['private-token'];
  if (typeof privateToken === 'string' && privateToken !== '') presented.push(privateToken);
  return presented.some((t) => timingSafeEqual(digest(t), expected)); // equal-length digests: no timing leak
}

function send(req: http.IncomingMessage, res: http.ServerResponse, reply: Reply): void {
  const text = reply.body === undefined || reply.code === 204 ? '' : JSON.stringify(reply.body);
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.code !== 204) {
    headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(text));
  }
  res.writeHead(reply.code, headers);
  res.end(req.method === 'HEAD' || reply.code === 204 ? undefined : text); // HEAD: GET's headers, no body
}

/** Reads the request body as UTF-8 text; undefined when it exceeds MAX_BODY. */
function readBody(req: http.IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('close', () => void (req.complete || resolve(undefined))); // client gave up mid-upload
    req.on('error', reject);
  });
}

function handler(token: string, requests: ToolRequest[]): http.RequestListener {
  const expected = digest(token);
  const table = routes();
  return (req, res) => {
    const method = req.method ?? '';
    const target = req.url ?? '/';
    requests.push({ method, url: target, headers: { ...req.headers } });
    const q = target.indexOf('?');
    const rawPath = q < 0 ? target : target.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : target.slice(q + 1));

    void (async () => {
      const body = await readBody(req); // always drained, so keep-alive connections stay usable
      if (!authenticated(req.headers, expected)) return send(req, res, { code: 401, body: message('401 Unauthorized') });
      const found = match(table, rawPath);
      if (!found) return send(req, res, { code: 404, body: message('404 Not Found') });
      const allow = [...new Set(Object.keys(found.route.methods).flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m])))];
      allow.push('OPTIONS');
      if (method === 'OPTIONS') return send(req, res, { code: 204, headers: { Allow: allow.join(', ') } });
      const handle = found.route.methods[method === 'HEAD' ? 'GET' : method];
      if (!handle) {
        return send(req, res, { code: 405, body: message('405 Method Not Allowed'), headers: { Allow: allow.join(', ') } });
      }
      if (body === undefined) return send(req, res, { code: 413, body: message('413 Request Entity Too Large') });
      send(req, res, handle({ params: found.params, query, body }));
    })().catch(() => {
      if (!res.headersSent) send(req, res, { code: 500, body: message('500 Internal Server Error') });
      else res.destroy();
    });
  };
}

/** Starts the example tool on 127.0.0.1 (port 0 = any free port); HTTPS when `tls` is given. */
export async function startTool(opts: ToolOptions): Promise<Tool> {
  if (typeof opts.token !== 'string' || opts.token === '') throw new Error('startTool: token must be a non-empty string');
  const requests: ToolRequest[] = [];
  const listener = handler(opts.token, requests);
  const server: http.Server = opts.tls
    ? https.createServer({ cert: opts.tls.cert, key: opts.tls.key, minVersion: 'TLSv1.2' }, listener)
    : http.createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  let stopped: Promise<void> | undefined;
  return {
    url: `${opts.tls ? 'https' : 'http'}://${address.includes(':') ? `[${address}]` : address}:${port}`,
    requests,
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // keep-alive sockets would otherwise hold close() open
      })),
  };
}

// Run directly: node --import tsx examples/tool/server.ts --port N --token T [--tls-cert FILE --tls-key FILE]
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const portArg = arg('--port');
  const port = portArg === undefined ? 18082 : Number(portArg);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be an integer between 0 and 65535, got "${portArg ?? ''}"`);
    process.exit(2);
  }
  const token = arg('--token');
  if (!token) {
    console.error('--token is required: the token the tool accepts as Authorization: Bearer or PRIVATE-TOKEN');
    process.exit(2);
  }
  const certFile = arg('--tls-cert');
  const keyFile = arg('--tls-key');
  if ((certFile === undefined) !== (keyFile === undefined)) {
    console.error('--tls-cert and --tls-key go together');
    process.exit(2);
  }
  const tls = certFile && keyFile ? { cert: await readFile(certFile, 'utf8'), key: await readFile(keyFile, 'utf8') } : undefined;
  const tool = await startTool({ token, port, tls });
  console.log(`example tool (GitLab-like) listening on ${tool.url}`); // never the token
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void tool.stop());
}

// The request chain, in the apiserver's order: parse → authenticate → authorize → read body → serve.
// Every failure is rendered once, as a metav1.Status with HTTP status = code.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { serveResource, sendJson } from './crud.js';
import type { WatchDeps } from './list-watch.js';
import { authorize, type RbacPolicy } from './rbac.js';
import { parseRequestPath, type RequestInfo } from './request-path.js';
import { findReviewResource, findStoredResource } from './resources.js';
import { reviewAccess, reviewToken } from './reviews.js';
import { forbiddenFor, StatusError, toStatus } from './status.js';
import type { TokenAuthenticator } from './tokens.js';
import type { UserInfo } from './types.js';

const MAX_BODY_BYTES = 3 * 1024 * 1024; // the apiserver's default request size limit

export interface HandlerDeps extends WatchDeps {
  readonly authn: TokenAuthenticator;
  readonly policy: () => RbacPolicy;
  /** Called for every request that parsed, with the counter key "<verb> <resource>". */
  readonly count: (key: string) => void;
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

function authenticate(deps: HandlerDeps, req: IncomingMessage): UserInfo {
  const token = bearerToken(req.headers.authorization);
  const user = token === undefined ? undefined : deps.authn.authenticate(token).user;
  if (!user) throw StatusError.unauthorized();
  return user;
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw StatusError.tooLarge();
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw StatusError.badRequest('the request body is empty');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw StatusError.badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
}

function counterKey(info: RequestInfo): string {
  if (!info.isResourceRequest) return `${info.verb} ${info.path}`;
  return `${info.verb} ${info.subresource ? `${info.resource}/${info.subresource}` : info.resource}`;
}

async function serve(deps: HandlerDeps, info: RequestInfo, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
  if (!info.isResourceRequest) throw StatusError.pathNotFound();
  const needsBody = ['create', 'update', 'patch'].includes(info.verb);
  const body = needsBody ? await readJsonBody(req) : undefined;
  const review = findReviewResource(info.apiGroup, info.apiVersion, info.resource);
  if (review) {
    if (info.parts.length !== 1 || info.namespace) throw StatusError.pathNotFound();
    if (info.verb !== 'create') throw StatusError.methodNotAllowed();
    const reqBody = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    const result = review.resource === 'tokenreviews' ? reviewToken(deps.authn, reqBody) : reviewAccess(deps.policy(), reqBody);
    return sendJson(res, 201, result);
  }
  const rt = findStoredResource(info.apiGroup, info.apiVersion, info.resource);
  if (!rt) throw StatusError.pathNotFound();
  const contentType = req.headers['content-type'] ?? 'application/json';
  serveResource(deps, { info, rt, query, body, contentType }, res);
}

function sendError(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy(); // a stream that already started cannot turn into a Status
    return;
  }
  const status = toStatus(err);
  sendJson(res, status.code, status);
}

/** Handles one HTTP request end to end; never throws. */
export async function handleRequest(deps: HandlerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    let info: RequestInfo;
    try {
      info = parseRequestPath(req.method ?? 'GET', url.pathname, url.searchParams);
    } catch {
      throw StatusError.badRequest(`malformed path: ${url.pathname}`);
    }
    deps.count(counterKey(info));
    const user = authenticate(deps, req);
    const decision = authorize(deps.policy(), user, info);
    if (!decision.allowed) throw forbiddenFor(info, user.username, decision.reason);
    await serve(deps, info, req, res, url.searchParams);
  } catch (err) {
    sendError(res, err);
  }
}

// Resource requests on stored kinds: get, list, watch, create, update, patch, delete — with the apiserver's
// checks between the URL and the body.
import type { ServerResponse } from 'node:http';
import { listCollection, serveWatch, type WatchDeps } from './list-watch.js';
import { applyPatch } from './patch.js';
import type { RequestInfo } from './request-path.js';
import { apiVersionOf, type ResourceType } from './resources.js';
import { StatusError, successStatus } from './status.js';
import type { KubeObject } from './types.js';

/** A resource request that passed authentication and authorization. */
export interface ResourceRequest {
  readonly info: RequestInfo;
  readonly rt: ResourceType;
  readonly query: URLSearchParams;
  readonly body: unknown;
  readonly contentType: string;
}

export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

// the object a create or update body describes, checked against the URL like the REST handlers do
function objectFromBody(req: ResourceRequest): KubeObject {
  const { body, rt, info } = req;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw StatusError.badRequest(`the body of the request must be a ${rt.kind} object`);
  }
  const obj = structuredClone(body) as KubeObject;
  const apiVersion = apiVersionOf(rt);
  if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersion) {
    throw StatusError.badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${apiVersion})`);
  }
  if (obj.kind !== undefined && obj.kind !== rt.kind) {
    throw StatusError.badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${rt.kind})`);
  }
  obj.apiVersion = apiVersion;
  obj.kind = rt.kind;
  const metadata = obj.metadata ?? {};
  if (typeof metadata !== 'object' || Array.isArray(metadata)) throw StatusError.badRequest('metadata must be an object');
  obj.metadata = { ...metadata, name: typeof metadata.name === 'string' ? metadata.name : '' };
  if (rt.namespaced) {
    if (obj.metadata.namespace && obj.metadata.namespace !== info.namespace) {
      throw StatusError.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    obj.metadata.namespace = info.namespace;
  }
  if (info.name) {
    if (obj.metadata.name && obj.metadata.name !== info.name) {
      throw StatusError.badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${info.name})`);
    }
    obj.metadata.name = info.name;
  }
  return obj;
}

function existing(deps: WatchDeps, req: ResourceRequest): KubeObject {
  const found = deps.store.getByType(req.rt, req.info.namespace || undefined, req.info.name);
  if (!found) throw StatusError.notFound(req.rt, req.info.name);
  return found;
}

function patched(deps: WatchDeps, req: ResourceRequest): KubeObject {
  const current = existing(deps, req);
  const next = applyPatch(current, req.contentType, req.body) as KubeObject;
  if (next === null || typeof next !== 'object' || typeof next.metadata !== 'object' || next.metadata === null) {
    throw StatusError.badRequest('the patch produced an object without metadata');
  }
  if (next.metadata.name !== current.metadata.name || next.metadata.namespace !== current.metadata.namespace) {
    throw StatusError.badRequest('metadata.name and metadata.namespace cannot be changed by a patch');
  }
  // a resourceVersion the patch itself sets is a precondition, as on the real apiserver
  if (next.metadata.resourceVersion !== current.metadata.resourceVersion) {
    if (next.metadata.resourceVersion) throw StatusError.conflict(req.rt, req.info.name);
    next.metadata.resourceVersion = current.metadata.resourceVersion;
  }
  return next;
}

/** Serves one resource request on a stored kind. */
export function serveResource(deps: WatchDeps, req: ResourceRequest, res: ServerResponse): void {
  const { info, rt } = req;
  const isCollection = info.parts.length === 1;
  const isNamespacePath = rt.resource === 'namespaces';
  if (info.parts.length > 2) throw StatusError.pathNotFound(); // no subresources are served
  if (!rt.namespaced && info.namespace && !isNamespacePath) throw StatusError.pathNotFound();
  if (rt.namespaced && !info.namespace && !(isCollection && (info.verb === 'list' || info.verb === 'watch'))) {
    throw StatusError.pathNotFound();
  }
  const collection = { rt, namespace: rt.namespaced ? info.namespace : '', query: req.query };
  const namespace = rt.namespaced ? info.namespace : undefined;
  switch (isCollection ? `${info.verb} collection` : info.verb) {
    case 'list collection':
      return sendJson(res, 200, listCollection(deps.store, collection));
    case 'watch collection':
      return serveWatch(deps, collection, res);
    case 'create collection':
      return sendJson(res, 201, deps.store.create(objectFromBody(req)));
    case 'get':
      return sendJson(res, 200, existing(deps, req));
    case 'update':
      return sendJson(res, 200, deps.store.update(objectFromBody(req)));
    case 'patch':
      return sendJson(res, 200, deps.store.update(patched(deps, req)));
    case 'delete': {
      const gone = deps.store.deleteByType(rt, namespace, info.name);
      // custom resources answer with the deleted object, built-in kinds with a Success Status
      if (rt.custom) return sendJson(res, 200, gone);
      const details = { name: info.name, kind: rt.resource, uid: String(gone.metadata.uid ?? '') };
      return sendJson(res, 200, successStatus(rt.group ? { ...details, group: rt.group } : details));
    }
    default:
      throw StatusError.methodNotAllowed();
  }
}

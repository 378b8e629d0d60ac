import type { AuthorizationAttributes } from './rbac.js';
// metav1.Status builders, worded like k8s.io/apimachinery/pkg/api/errors so clients see the real messages.

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: { reason: string; message: string; field: string }[];
}

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** A resource as the apiserver names it in messages: "secrets", "connectors.connectors.alauda.io". */
export interface QualifiedResource {
  group: string;
  resource: string;
}

export function qualifiedName(qr: QualifiedResource): string {
  return qr.group ? `${qr.resource}.${qr.group}` : qr.resource;
}

function detailsFor(qr: QualifiedResource, name: string): StatusDetails {
  // Go marshals an empty group away (omitempty)
  return qr.group ? { name, group: qr.group, kind: qr.resource } : { name, kind: qr.resource };
}

/** The one error type of the emulator; http-server renders it with toStatus(). */
export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'StatusError';
  }

  static notFound(qr: QualifiedResource, name: string): StatusError {
    return new StatusError(404, 'NotFound', `${qualifiedName(qr)} "${name}" not found`, detailsFor(qr, name));
  }

  static pathNotFound(): StatusError {
    return new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
  }

  static alreadyExists(qr: QualifiedResource, name: string): StatusError {
    return new StatusError(409, 'AlreadyExists', `${qualifiedName(qr)} "${name}" already exists`, detailsFor(qr, name));
  }

  static conflict(qr: QualifiedResource, name: string): StatusError {
    const message =
      `Operation cannot be fulfilled on ${qualifiedName(qr)} "${name}": ` +
      'the object has been modified; please apply your changes to the latest version and try again';
    return new StatusError(409, 'Conflict', message, detailsFor(qr, name));
  }

  static unauthorized(): StatusError {
    return new StatusError(401, 'Unauthorized', 'Unauthorized');
  }

  static forbidden(message: string, details?: StatusDetails): StatusError {
    return new StatusError(403, 'Forbidden', message, details);
  }

  static expired(message: string): StatusError {
    return new StatusError(410, 'Expired', message);
  }

  static badRequest(message: string): StatusError {
    return new StatusError(400, 'BadRequest', message);
  }

  /** 422 Invalid; kind is qualified like "Secret" or "SubjectAccessReview.authorization.k8s.io". */
  static invalid(kind: string, name: string, causes: { field: string; reason: string; message: string }[]): StatusError {
    const parts = causes.map((c) => `${c.field}: ${c.message}`);
    const summary = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
    return new StatusError(422, 'Invalid', `${kind} "${name}" is invalid: ${summary}`, { name, kind, causes });
  }

  static methodNotAllowed(): StatusError {
    return new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
  }

  static unsupportedMediaType(contentType: string): StatusError {
    return new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got "${contentType}")`);
  }

  static tooLarge(): StatusError {
    return new StatusError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
  }

  static internal(detail: string): StatusError {
    return new StatusError(500, 'InternalError', `Internal error occurred: ${detail}`);
  }
}

/** Any thrown value as a metav1.Status; unknown errors become 500 InternalError. */
export function toStatus(err: unknown): StatusBody {
  const e = err instanceof StatusError ? err : StatusError.internal(err instanceof Error ? err.message : String(err));
  const body: StatusBody = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: e.message,
    reason: e.reason,
    code: e.code,
  };
  if (e.details) body.details = e.details;
  return body;
}

/** The Status a successful DELETE answers with. */
export function successStatus(details: StatusDetails): StatusBody {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details, code: 200 };
}

/** What forbidden() needs to know about the denied request (authorizer.Attributes). */
/** What a 403 names: the attributes the RBAC evaluator was asked about. */
export type ForbiddenAttributes = AuthorizationAttributes;

/** 403 worded like k8s.io/apiserver/pkg/endpoints/handlers/responsewriters.forbiddenMessage + errors.NewForbidden. */
export function forbiddenFor(attrs: ForbiddenAttributes, username: string, reason: string): StatusError {
  const suffix = reason ? `: ${reason}` : '';
  if (!attrs.isResourceRequest) {
    return StatusError.forbidden(`forbidden: User "${username}" cannot ${attrs.verb} path "${attrs.path ?? ''}"${suffix}`, {});
  }
  const group = attrs.apiGroup ?? '';
  const resource = attrs.resource ?? '';
  const name = attrs.name ?? '';
  const combined = attrs.subresource ? `${resource}/${attrs.subresource}` : resource;
  const scope = attrs.namespace ? `in the namespace "${attrs.namespace}"` : 'at the cluster scope';
  const msg = `User "${username}" cannot ${attrs.verb} resource "${combined}" in API group "${group}" ${scope}${suffix}`;
  const qualified = qualifiedName({ group, resource });
  const message = name ? `${qualified} "${name}" is forbidden: ${msg}` : `${qualified} is forbidden: ${msg}`;
  const details: StatusDetails = group ? { name, group, kind: resource } : { name, kind: resource };
  if (!name) delete details.name;
  return StatusError.forbidden(message, details);
}

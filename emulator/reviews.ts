// authentication.k8s.io TokenReview and authorization.k8s.io SubjectAccessReview: the request object comes back
// with status filled in (HTTP 201), as from the real apiserver.
import { authorize, type AuthorizationAttributes, type RbacPolicy } from './rbac.js';
import { StatusError } from './status.js';
import type { TokenAuthenticator } from './tokens.js';
import type { UserInfo } from './types.js';

type Json = Record<string, unknown>;

const asObject = (value: unknown): Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};

const asStrings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

function checkKind(body: Json, kind: string, apiVersion: string): void {
  if (body.kind !== undefined && body.kind !== kind) throw StatusError.badRequest(`expected kind ${kind}, got "${String(body.kind)}"`);
  if (body.apiVersion !== undefined && body.apiVersion !== apiVersion) {
    throw StatusError.badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${apiVersion})`);
  }
}

/** TokenReview: spec.token (+ spec.audiences) → status.authenticated, user, audiences, error. */
export function reviewToken(authn: TokenAuthenticator, body: Json): Json {
  checkKind(body, 'TokenReview', 'authentication.k8s.io/v1');
  const spec = asObject(body.spec);
  const token = typeof spec.token === 'string' ? spec.token : '';
  if (token === '') throw StatusError.badRequest('token is required for TokenReview in authentication');
  const result = authn.authenticate(token, asStrings(spec.audiences));
  const status: Json = result.user
    ? { authenticated: true, user: result.user, audiences: result.audiences }
    : { authenticated: false, user: {} };
  if (result.error) status.error = result.error;
  return { kind: 'TokenReview', apiVersion: 'authentication.k8s.io/v1', metadata: asObject(body.metadata), spec, status };
}

function sarInvalid(field: string, message: string): StatusError {
  return StatusError.invalid('SubjectAccessReview.authorization.k8s.io', '', [{ field, reason: 'FieldValueInvalid', message }]);
}

/** Attributes of a SubjectAccessReview spec, validated like the apiserver does. */
export function sarAttributes(spec: Json): AuthorizationAttributes {
  const resource = optionalObject(spec.resourceAttributes);
  const nonResource = optionalObject(spec.nonResourceAttributes);
  if (!!resource === !!nonResource) {
    throw sarInvalid('spec.resourceAttributes', `Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified`);
  }
  if (nonResource) {
    return { isResourceRequest: false, verb: str(nonResource.verb), path: str(nonResource.path) };
  }
  const r = resource ?? {};
  return {
    isResourceRequest: true,
    verb: str(r.verb),
    namespace: str(r.namespace),
    apiGroup: str(r.group),
    resource: str(r.resource),
    subresource: str(r.subresource),
    name: str(r.name),
  };
}

function optionalObject(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' ? (value as Json) : undefined;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** SubjectAccessReview: spec.user/groups + attributes → status.allowed (and reason) from the RBAC evaluator. */
export function reviewAccess(policy: RbacPolicy, reqBody: Json): Json {
  checkKind(reqBody, 'SubjectAccessReview', 'authorization.k8s.io/v1');
  const spec = asObject(reqBody.spec);
  const groups = asStrings(spec.groups);
  if (str(spec.user) === '' && groups.length === 0) {
    throw sarInvalid('spec.user', 'Invalid value: "": at least one of user or group must be specified');
  }
  const attrs = sarAttributes(spec);
  const user: UserInfo = { username: str(spec.user), groups };
  const decision = authorize(policy, user, attrs);
  const status: Json = { allowed: decision.allowed };
  if (decision.reason) status.reason = decision.reason;
  return { kind: 'SubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: asObject(reqBody.metadata), spec, status };
}

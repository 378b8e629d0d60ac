// The table of served resources: the emulator's equivalent of the apiserver's registered REST storage.

export interface ResourceType {
  readonly group: string; // "" for the core group
  readonly version: string;
  readonly resource: string; // plural, as in URLs and RBAC rules
  readonly kind: string;
  readonly namespaced: boolean;
  // built-in types omit kind/apiVersion on list items; custom resources keep them (real apiserver behaviour)
  readonly custom: boolean;
}

const CONNECTORS = 'connectors.alauda.io';
const RBAC = 'rbac.authorization.k8s.io';

/** Resources with storage: list, get, watch, create, update, patch, delete. */
export const STORED_RESOURCES: readonly ResourceType[] = [
  { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false, custom: false },
  { group: '', version: 'v1', resource: 'secrets', kind: 'Secret', namespaced: true, custom: false },
  { group: '', version: 'v1', resource: 'services', kind: 'Service', namespaced: true, custom: false },
  { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true, custom: false },
  { group: '', version: 'v1', resource: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true, custom: false },
  { group: CONNECTORS, version: 'v1alpha1', resource: 'connectors', kind: 'Connector', namespaced: true, custom: true },
  { group: CONNECTORS, version: 'v1alpha1', resource: 'connectorclasses', kind: 'ConnectorClass', namespaced: false, custom: true },
  { group: RBAC, version: 'v1', resource: 'roles', kind: 'Role', namespaced: true, custom: false },
  { group: RBAC, version: 'v1', resource: 'rolebindings', kind: 'RoleBinding', namespaced: true, custom: false },
  { group: RBAC, version: 'v1', resource: 'clusterroles', kind: 'ClusterRole', namespaced: false, custom: false },
  { group: RBAC, version: 'v1', resource: 'clusterrolebindings', kind: 'ClusterRoleBinding', namespaced: false, custom: false },
];

/** Create-only review resources: no storage, the answer is computed from the request. */
export const REVIEW_RESOURCES: readonly ResourceType[] = [
  { group: 'authentication.k8s.io', version: 'v1', resource: 'tokenreviews', kind: 'TokenReview', namespaced: false, custom: false },
  { group: 'authorization.k8s.io', version: 'v1', resource: 'subjectaccessreviews', kind: 'SubjectAccessReview', namespaced: false, custom: false },
];

export function apiVersionOf(rt: ResourceType): string {
  return rt.group ? `${rt.group}/${rt.version}` : rt.version;
}

export function typeKey(rt: ResourceType): string {
  return `${rt.group}/${rt.resource}`;
}

export function findStoredResource(group: string, version: string, resource: string): ResourceType | undefined {
  return STORED_RESOURCES.find((rt) => rt.group === group && rt.version === version && rt.resource === resource);
}

export function findReviewResource(group: string, version: string, resource: string): ResourceType | undefined {
  return REVIEW_RESOURCES.find((rt) => rt.group === group && rt.version === version && rt.resource === resource);
}

export function findByKind(apiVersion: string, kind: string): ResourceType | undefined {
  return STORED_RESOURCES.find((rt) => apiVersionOf(rt) === apiVersion && rt.kind === kind);
}

// Pure RBAC evaluator, a port of plugin/pkg/auth/authorizer/rbac/rbac.go and pkg/apis/rbac/v1/evaluation_helpers.go,
// preceded by the system:masters bypass the apiserver's authorizer chain starts with.
import type { KubeObject, UserInfo } from './types.js';

export interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** The RBAC objects an evaluation sees (the rbac.authorization.k8s.io/v1 kinds, as stored). */
export interface RbacPolicy {
  roles: readonly KubeObject[];
  roleBindings: readonly KubeObject[];
  clusterRoles: readonly KubeObject[];
  clusterRoleBindings: readonly KubeObject[];
}

/** authorizer.Attributes: the request being authorized. */
export interface AuthorizationAttributes {
  verb: string;
  isResourceRequest: boolean;
  path?: string;
  apiGroup?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export interface Decision {
  allowed: boolean;
  reason: string;
}

interface Subject {
  kind?: string;
  name?: string;
  namespace?: string;
}

interface RoleRef {
  kind?: string;
  name?: string;
}

export const PRIVILEGED_GROUP = 'system:masters';

const has = (list: readonly string[] | undefined, value: string): boolean => (list ?? []).includes(value);

export function ruleAllows(attrs: AuthorizationAttributes, rule: PolicyRule): boolean {
  const verbOk = has(rule.verbs, '*') || has(rule.verbs, attrs.verb);
  if (!attrs.isResourceRequest) return verbOk && nonResourceURLMatches(rule, attrs.path ?? '');
  const subresource = attrs.subresource ?? '';
  const combined = subresource ? `${attrs.resource ?? ''}/${subresource}` : attrs.resource ?? '';
  return (
    verbOk &&
    (has(rule.apiGroups, '*') || has(rule.apiGroups, attrs.apiGroup ?? '')) &&
    resourceMatches(rule, combined, subresource) &&
    ((rule.resourceNames ?? []).length === 0 || has(rule.resourceNames, attrs.name ?? ''))
  );
}

// "*" matches everything, "resource/sub" matches exactly, "*/sub" matches sub of any resource. There is no
// "resource/*" wildcard in kube: it only matches a subresource literally named "*".
function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  return (rule.resources ?? []).some(
    (r) => r === '*' || r === combined || (subresource !== '' && r === `*/${subresource}`),
  );
}

function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  return (rule.nonResourceURLs ?? []).some(
    (u) => u === '*' || u === path || (u.endsWith('*') && path.startsWith(u.slice(0, -1))),
  );
}

function appliesTo(user: UserInfo, subject: Subject, namespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.username === subject.name;
    case 'Group':
      return user.groups.includes(subject.name ?? '');
    case 'ServiceAccount': {
      // a RoleBinding's ServiceAccount subject defaults to the binding's namespace
      const saNamespace = subject.namespace || namespace;
      return saNamespace !== '' && user.username === `system:serviceaccount:${saNamespace}:${subject.name ?? ''}`;
    }
    default:
      return false;
  }
}

function describeSubject(subject: Subject, bindingNamespace: string): string {
  if (subject.kind === 'ServiceAccount') {
    return `ServiceAccount "${subject.name ?? ''}/${subject.namespace || bindingNamespace}"`;
  }
  return `${subject.kind ?? ''} "${subject.name ?? ''}"`;
}

function rulesOf(role: KubeObject): PolicyRule[] {
  return Array.isArray(role.rules) ? (role.rules as PolicyRule[]) : [];
}

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
  const labelsOk = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  return labelsOk && (selector.matchExpressions ?? []).every((e) => {
    const present = Object.prototype.hasOwnProperty.call(labels, e.key);
    if (e.operator === 'In') return present && has(e.values, labels[e.key] ?? '');
    if (e.operator === 'NotIn') return !present || !has(e.values, labels[e.key] ?? '');
    if (e.operator === 'Exists') return present;
    return e.operator === 'DoesNotExist' && !present;
  });
}

// an aggregated ClusterRole's rules are what the clusterrole-aggregation controller would have written
function clusterRoleRules(policy: RbacPolicy, role: KubeObject): PolicyRule[] {
  const aggregation = role.aggregationRule as { clusterRoleSelectors?: LabelSelector[] } | undefined;
  const selectors = aggregation?.clusterRoleSelectors;
  if (!selectors) return rulesOf(role);
  return policy.clusterRoles
    .filter((other) => other.metadata.name !== role.metadata.name)
    .filter((other) => selectors.some((s) => selects(s, (other.metadata.labels ?? {}) as Record<string, string>)))
    .flatMap(rulesOf);
}

function roleRules(policy: RbacPolicy, ref: RoleRef, bindingNamespace: string): PolicyRule[] | string {
  if (ref.kind === 'ClusterRole') {
    const role = policy.clusterRoles.find((r) => r.metadata.name === ref.name);
    return role ? clusterRoleRules(policy, role) : `clusterrole.rbac.authorization.k8s.io "${ref.name ?? ''}" not found`;
  }
  const role = policy.roles.find((r) => r.metadata.name === ref.name && r.metadata.namespace === bindingNamespace);
  return role ? rulesOf(role) : `role.rbac.authorization.k8s.io "${ref.name ?? ''}" not found`;
}

const byName = (a: KubeObject, b: KubeObject): number => (a.metadata.name < b.metadata.name ? -1 : 1);

/** RBAC decision for a user and request: ClusterRoleBindings first, then RoleBindings of the request namespace. */
export function authorize(policy: RbacPolicy, user: UserInfo, attrs: AuthorizationAttributes): Decision {
  if (user.groups.includes(PRIVILEGED_GROUP)) return { allowed: true, reason: '' };
  const namespace = attrs.namespace ?? '';
  const bindings = [
    ...[...policy.clusterRoleBindings].sort(byName).map((b) => ({ binding: b, namespace: '' })),
    ...(namespace === ''
      ? []
      : policy.roleBindings.filter((b) => b.metadata.namespace === namespace).sort(byName).map((b) => ({ binding: b, namespace }))),
  ];
  const errors: string[] = [];
  for (const { binding, namespace: bindingNs } of bindings) {
    const subjects = (Array.isArray(binding.subjects) ? binding.subjects : []) as Subject[];
    const subject = subjects.find((s) => appliesTo(user, s, bindingNs));
    if (!subject) continue;
    const ref = (binding.roleRef ?? {}) as RoleRef;
    const rules = roleRules(policy, ref, bindingNs);
    if (typeof rules === 'string') {
      errors.push(rules);
      continue;
    }
    if (rules.some((rule) => ruleAllows(attrs, rule))) {
      const source = bindingNs === ''
        ? `ClusterRoleBinding "${binding.metadata.name}"`
        : `RoleBinding "${binding.metadata.name}/${bindingNs}"`;
      const to = describeSubject(subject, bindingNs);
      return { allowed: true, reason: `RBAC: allowed by ${source} of ${ref.kind ?? ''} "${ref.name ?? ''}" to ${to}` };
    }
  }
  const reason = errors.length === 0 ? '' : `RBAC: ${errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`}`;
  return { allowed: false, reason };
}

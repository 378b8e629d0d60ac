import { authorize, ruleAllows, type AuthorizationAttributes, type PolicyRule, type RbacPolicy } from '../../../emulator/rbac.js';
import type { KubeObject, UserInfo } from '../../../emulator/types.js';

const CONNECTORS = 'connectors.alauda.io';
const TEMPLATE_SUB = 'apis/gitlab/api/v4/projects/{project_id}';

function res(attrs: Partial<AuthorizationAttributes>): AuthorizationAttributes {
  return { isResourceRequest: true, verb: 'get', apiGroup: '', resource: 'secrets', namespace: 'ns', name: 'x', ...attrs };
}

describe('ruleAllows (evaluation_helpers.go)', () => {
  it.each<[string, PolicyRule, Partial<AuthorizationAttributes>, boolean]>([
    // verbs
    ['exact verb', { verbs: ['get'], apiGroups: [''], resources: ['secrets'] }, {}, true],
    ['other verb', { verbs: ['list'], apiGroups: [''], resources: ['secrets'] }, {}, false],
    ['verb *', { verbs: ['*'], apiGroups: [''], resources: ['secrets'] }, { verb: 'delete' }, true],
    ['no verbs', { apiGroups: [''], resources: ['secrets'] }, {}, false],
    // api groups
    ['core group ""', { verbs: ['get'], apiGroups: [''], resources: ['secrets'] }, {}, true],
    ['core rule, other group', { verbs: ['get'], apiGroups: [''], resources: ['connectors'] }, { apiGroup: CONNECTORS, resource: 'connectors' }, false],
    ['group *', { verbs: ['get'], apiGroups: ['*'], resources: ['connectors'] }, { apiGroup: CONNECTORS, resource: 'connectors' }, true],
    ['exact group', { verbs: ['get'], apiGroups: [CONNECTORS], resources: ['connectors'] }, { apiGroup: CONNECTORS, resource: 'connectors' }, true],
    // resources
    ['resource *', { verbs: ['get'], apiGroups: [''], resources: ['*'] }, {}, true],
    ['other resource', { verbs: ['get'], apiGroups: [''], resources: ['configmaps'] }, {}, false],
    ['* covers subresources', { verbs: ['get'], apiGroups: [''], resources: ['*'] }, { subresource: 'status' }, true],
    ['bare resource does not cover a subresource', { verbs: ['get'], apiGroups: [''], resources: ['secrets'] }, { subresource: 'status' }, false],
    ['subresource rule does not cover the bare resource', { verbs: ['get'], apiGroups: [''], resources: ['secrets/status'] }, {}, false],
    ['resource/subresource exact', { verbs: ['get'], apiGroups: [''], resources: ['secrets/status'] }, { subresource: 'status' }, true],
    ['*/subresource', { verbs: ['get'], apiGroups: [''], resources: ['*/status'] }, { subresource: 'status' }, true],
    ['*/subresource, other subresource', { verbs: ['get'], apiGroups: [''], resources: ['*/status'] }, { subresource: 'scale' }, false],
    ['*/subresource needs a subresource', { verbs: ['get'], apiGroups: [''], resources: ['*/status'] }, {}, false],
    // subresources with slashes are matched literally
    ['slashed subresource, exact', { verbs: ['get'], apiGroups: [CONNECTORS], resources: [`connectors/${TEMPLATE_SUB}`] }, { apiGroup: CONNECTORS, resource: 'connectors', subresource: TEMPLATE_SUB }, true],
    ['slashed subresource, class-wide rule does not cover a template', { verbs: ['get'], apiGroups: [CONNECTORS], resources: ['connectors/apis/gitlab'] }, { apiGroup: CONNECTORS, resource: 'connectors', subresource: TEMPLATE_SUB }, false],
    ['slashed subresource, */ form', { verbs: ['get'], apiGroups: [CONNECTORS], resources: [`*/${TEMPLATE_SUB}`] }, { apiGroup: CONNECTORS, resource: 'connectors', subresource: TEMPLATE_SUB }, true],
    ['slashed subresource, resource *', { verbs: ['get'], apiGroups: [CONNECTORS], resources: ['*'] }, { apiGroup: CONNECTORS, resource: 'connectors', subresource: TEMPLATE_SUB }, true],
    // kube has no "resource/*" wildcard: it only names a subresource literally called "*"
    ['resource/* is not a wildcard', { verbs: ['get'], apiGroups: [CONNECTORS], resources: ['connectors/*'] }, { apiGroup: CONNECTORS, resource: 'connectors', subresource: 'apis/gitlab' }, false],
    ['resource/* matches subresource "*"', { verbs: ['get'], apiGroups: [CONNECTORS], resources: ['connectors/*'] }, { apiGroup: CONNECTORS, resource: 'connectors', subresource: '*' }, true],
    ['*/* is not a wildcard either', { verbs: ['get'], apiGroups: [''], resources: ['*/*'] }, { subresource: 'status' }, false],
    // resourceNames
    ['resourceNames contains the name', { verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['x'] }, {}, true],
    ['resourceNames lacks the name', { verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['y'] }, {}, false],
    ['resourceNames and no name (list)', { verbs: ['list'], apiGroups: [''], resources: ['secrets'], resourceNames: ['x'] }, { verb: 'list', name: '' }, false],
    ['empty resourceNames and no name', { verbs: ['list'], apiGroups: [''], resources: ['secrets'], resourceNames: [] }, { verb: 'list', name: '' }, true],
  ])('%s', (_name, rule, attrs, allowed) => {
    expect(ruleAllows(res(attrs), rule)).toBe(allowed);
  });

  it.each<[string, string[], string, string, boolean]>([
    ['exact URL', ['/healthz'], 'get', '/healthz', true],
    ['other URL', ['/healthz'], 'get', '/livez', false],
    ['* suffix', ['/apis/*'], 'get', '/apis/connectors.alauda.io', true],
    ['* suffix, prefix differs', ['/apis/*'], 'get', '/api/v1', false],
    ['*', ['*'], 'get', '/anything', true],
    ['verb mismatch', ['/healthz'], 'post', '/healthz', false],
  ])('non-resource: %s', (_name, nonResourceURLs, verb, path, allowed) => {
    expect(ruleAllows({ isResourceRequest: false, verb, path }, { verbs: ['get'], nonResourceURLs })).toBe(allowed);
  });

  it('does not apply resource rules to non-resource requests', () => {
    expect(ruleAllows({ isResourceRequest: false, verb: 'get', path: '/healthz' }, { verbs: ['*'], apiGroups: ['*'], resources: ['*'] })).toBe(false);
  });
});

const rbac = (kind: string, name: string, body: Record<string, unknown>, namespace?: string): KubeObject => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind,
  metadata: namespace ? { name, namespace } : { name },
  ...body,
});
const clusterRole = (name: string, rules: PolicyRule[], labels?: Record<string, string>): KubeObject => {
  const role = rbac('ClusterRole', name, { rules });
  if (labels) role.metadata.labels = labels;
  return role;
};
const ref = (kind: 'Role' | 'ClusterRole', name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind, name });

const policy: RbacPolicy = {
  clusterRoles: [
    clusterRole('secret-reader', [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['secrets'] }]),
    clusterRole('connector-reader', [{ verbs: ['get'], apiGroups: [CONNECTORS], resources: ['connectors'] }]),
    clusterRole('piece-a', [{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'] }]),
    clusterRole('piece-b', [{ verbs: ['list'], apiGroups: [''], resources: ['configmaps'] }], { agg: 'yes' }),
    rbac('ClusterRole', 'aggregated', { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { agg: 'yes' } }] } }),
  ],
  clusterRoleBindings: [
    rbac('ClusterRoleBinding', 'readers-group', { roleRef: ref('ClusterRole', 'connector-reader'), subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'readers' }] }),
    rbac('ClusterRoleBinding', 'sa-cluster', { roleRef: ref('ClusterRole', 'secret-reader'), subjects: [{ kind: 'ServiceAccount', name: 'proxy', namespace: 'system' }] }),
    rbac('ClusterRoleBinding', 'sa-no-namespace', { roleRef: ref('ClusterRole', 'secret-reader'), subjects: [{ kind: 'ServiceAccount', name: 'orphan' }] }),
    rbac('ClusterRoleBinding', 'dangling', { roleRef: ref('ClusterRole', 'missing'), subjects: [{ kind: 'User', name: 'dangler' }] }),
    rbac('ClusterRoleBinding', 'agg-user', { roleRef: ref('ClusterRole', 'aggregated'), subjects: [{ kind: 'User', name: 'agg' }] }),
  ],
  roles: [rbac('Role', 'cm-reader', { rules: [{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'] }] }, 'team-a')],
  roleBindings: [
    rbac('RoleBinding', 'alice-secrets', { roleRef: ref('ClusterRole', 'secret-reader'), subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' }] }, 'team-a'),
    rbac('RoleBinding', 'alice-cm', { roleRef: ref('Role', 'cm-reader'), subjects: [{ kind: 'User', name: 'alice' }] }, 'team-a'),
    rbac('RoleBinding', 'local-sa', { roleRef: ref('Role', 'cm-reader'), subjects: [{ kind: 'ServiceAccount', name: 'builder' }] }, 'team-a'),
    rbac('RoleBinding', 'role-elsewhere', { roleRef: ref('Role', 'cm-reader'), subjects: [{ kind: 'User', name: 'carol' }] }, 'team-b'),
  ],
};

const user = (username: string, groups: string[] = ['system:authenticated']): UserInfo => ({ username, groups });
const sa = (ns: string, name: string): UserInfo => ({
  username: `system:serviceaccount:${ns}:${name}`,
  groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'],
});

describe('authorize (rbac.go)', () => {
  it.each<[string, UserInfo, Partial<AuthorizationAttributes>, boolean]>([
    ['User subject via RoleBinding → ClusterRole, in the binding namespace', user('alice'), { namespace: 'team-a' }, true],
    ['RoleBinding → ClusterRole grants only in the binding namespace', user('alice'), { namespace: 'team-b' }, false],
    ['RoleBinding → ClusterRole grants nothing cluster-wide', user('alice'), { namespace: '', verb: 'list', name: '' }, false],
    ['RoleBinding → Role in the same namespace', user('alice'), { namespace: 'team-a', resource: 'configmaps' }, true],
    ['RoleBinding → Role of another namespace does not resolve', user('carol'), { namespace: 'team-b', resource: 'configmaps' }, false],
    ['Group subject via ClusterRoleBinding, any namespace', user('dave', ['readers']), { apiGroup: CONNECTORS, resource: 'connectors', namespace: 'anywhere' }, true],
    ['Group subject, user not in group', user('dave'), { apiGroup: CONNECTORS, resource: 'connectors', namespace: 'anywhere' }, false],
    ['ServiceAccount subject in ClusterRoleBinding', sa('system', 'proxy'), { namespace: 'team-b' }, true],
    ['ServiceAccount subject, other namespace same name', sa('other', 'proxy'), { namespace: 'team-b' }, false],
    ['ServiceAccount subject without namespace in a ClusterRoleBinding never matches', sa('', 'orphan'), { namespace: 'x' }, false],
    ['ServiceAccount subject defaults to the RoleBinding namespace', sa('team-a', 'builder'), { namespace: 'team-a', resource: 'configmaps' }, true],
    ['ServiceAccount subject of a RoleBinding, SA from another namespace', sa('team-b', 'builder'), { namespace: 'team-a', resource: 'configmaps' }, false],
    ['system:masters bypasses RBAC', user('root', ['system:masters']), { verb: 'delete', resource: 'anything' }, true],
    ['aggregated ClusterRole has the selected roles rules', user('agg'), { resource: 'configmaps', verb: 'list', name: '' }, true],
    ['aggregated ClusterRole excludes unselected roles', user('agg'), { resource: 'configmaps', verb: 'get' }, false],
    ['no binding at all', user('bob'), {}, false],
  ])('%s', (_name, u, attrs, allowed) => {
    expect(authorize(policy, u, res(attrs)).allowed).toBe(allowed);
  });

  it('names the binding, role and subject in the allow reason, like the RBAC authorizer', () => {
    expect(authorize(policy, user('alice'), res({ namespace: 'team-a' })).reason).toBe(
      'RBAC: allowed by RoleBinding "alice-secrets/team-a" of ClusterRole "secret-reader" to User "alice"',
    );
    expect(authorize(policy, sa('system', 'proxy'), res({})).reason).toBe(
      'RBAC: allowed by ClusterRoleBinding "sa-cluster" of ClusterRole "secret-reader" to ServiceAccount "proxy/system"',
    );
  });

  it('reports a binding to a missing role in the deny reason', () => {
    expect(authorize(policy, user('dangler'), res({}))).toEqual({
      allowed: false,
      reason: 'RBAC: clusterrole.rbac.authorization.k8s.io "missing" not found',
    });
  });

  it('denies with an empty reason when nothing applies', () => {
    expect(authorize(policy, user('bob'), res({}))).toEqual({ allowed: false, reason: '' });
  });
});

import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../examples/cluster');

interface Rule {
  apiGroups: string[];
  resources: string[];
  resourceNames?: string[];
  verbs: string[];
}
interface OpenApi {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, { 'x-provider-type'?: string; 'x-openapi-address'?: string }>>;
}
interface Subject {
  kind: string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}
/** The fields these manifests use; anything else stays unknown. */
interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: { auth?: { types?: unknown }; api?: unknown; address?: unknown; ports?: unknown; [field: string]: unknown };
  status?: unknown;
  type?: string;
  stringData?: Record<string, string>;
  data?: Record<string, string>;
  rules?: Rule[];
  roleRef?: { apiGroup: string; kind: string; name: string };
  subjects?: Subject[];
}

const FILES = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();
const OBJECTS: Array<KubeObject & { file: string }> = FILES.flatMap((file) =>
  parseAllDocuments(readFileSync(path.join(DIR, file), 'utf8')).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
    return { ...(doc.toJS() as KubeObject), file };
  }),
);

function find(kind: string, name: string, namespace?: string): KubeObject {
  const found = OBJECTS.filter((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === namespace);
  expect(found).toHaveLength(1);
  return found[0] as KubeObject;
}

describe('examples/cluster', () => {
  it('holds the expected files, each a list of well-formed objects', () => {
    expect(FILES).toEqual([
      'connectorclasses.yaml',
      'connectors.yaml',
      'featureflags.yaml',
      'namespaces.yaml',
      'rbac.yaml',
      'secrets.yaml',
      'serviceaccounts.yaml',
      'services.yaml',
    ]);
    for (const o of OBJECTS) {
      expect(typeof o.apiVersion).toBe('string');
      expect(typeof o.kind).toBe('string');
      expect(typeof o.metadata.name).toBe('string');
    }
  });

  it('has no two objects with the same kind, namespace and name', () => {
    const keys = OBJECTS.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('puts every namespaced object in a declared namespace', () => {
    const namespaces = OBJECTS.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name);
    expect(namespaces.sort()).toEqual(['connectors-system', 'kube-public', 'team-a']);
    for (const o of OBJECTS) if (o.metadata.namespace !== undefined) expect(namespaces).toContain(o.metadata.namespace);
  });

  it('declares ConnectorClass git with a Service API and git-noapi without one', () => {
    const git = find('ConnectorClass', 'git');
    expect(git.apiVersion).toBe('connectors.alauda.io/v1alpha1');
    expect(git.spec?.address).toEqual({ name: 'address', type: 'string' });
    expect(git.spec?.auth?.types).toEqual([
      { name: 'basicAuth', secretType: 'kubernetes.io/basic-auth' },
      { name: 'tokenAuth', secretType: 'connectors.cpaas.io/bearer-token', optional: true },
    ]);
    expect(git.spec?.api).toEqual({
      ref: { kind: 'Service', name: 'connectors-git-api', namespace: 'connectors-system' },
      uri: '/api',
    });
    expect(git.status).toBeUndefined();
    expect(find('ConnectorClass', 'git-noapi').spec?.api).toBeUndefined();
    const svc = find('Service', 'connectors-git-api', 'connectors-system');
    expect(svc.spec?.ports).toEqual([{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 }]);
  });

  it('declares ConnectorClass gitlab: an absolute API uri, an api address extension and OpenAPI dispatch', () => {
    const gitlab = find('ConnectorClass', 'gitlab');
    expect(gitlab.apiVersion).toBe('connectors.alauda.io/v1alpha1');
    expect(gitlab.metadata.namespace).toBeUndefined(); // cluster-scoped
    expect(gitlab.spec?.address).toEqual({ name: 'address', type: 'string' });
    expect(gitlab.spec?.addressExtensions).toEqual([{ name: 'api', type: 'string' }]);
    expect(gitlab.spec?.auth?.types).toEqual([{ name: 'patAuth', secretType: 'connectors.cpaas.io/gitlab-pat-auth' }]);
    const api = gitlab.spec?.api as { uri: string; openapi: OpenApi; ref?: unknown };
    expect(api.uri).toBe('http://connectors-gitlab-api.connectors-system.svc.cluster.local');
    expect(api.ref).toBeUndefined();
    expect(api.openapi.openapi).toBe('3.0.3');
    expect(typeof api.openapi.info.title).toBe('string');
    expect(typeof api.openapi.info.version).toBe('string');
    expect(api.openapi.paths).toEqual({
      '/api/gitrefs': { get: { 'x-provider-type': 'api' } },
      '/api/branches': { get: { 'x-provider-type': 'api' } },
      '/api/v4/projects': { get: { 'x-provider-type': 'proxy' } },
      '/api/v4/projects/{project_id}/repository/branches': { get: { 'x-provider-type': 'proxy' } },
      '/api/v4/projects/{project_id}/issues': { get: { 'x-provider-type': 'proxy' }, post: { 'x-provider-type': 'proxy' } },
      '/stats': { get: { 'x-provider-type': 'proxy', 'x-openapi-address': 'api' } },
    });
    expect(gitlab.status).toBeUndefined();
  });

  it('declares Connector team-a/gitlab1 with its api address extension and PAT Secret', () => {
    const c = find('Connector', 'gitlab1', 'team-a');
    expect(c.apiVersion).toBe('connectors.alauda.io/v1alpha1');
    expect(c.spec).toEqual({
      connectorClassName: 'gitlab',
      address: 'https://gitlab.example.com',
      addressExtensions: [{ name: 'api', value: 'https://gitlab-api.example.com' }],
      auth: { name: 'patAuth', secretRef: { name: 'gitlab1-token' } },
    });
    // the token the demo starts the example tool with
    expect(find('Secret', 'gitlab1-token', 'team-a').stringData).toEqual({ token: 'demo-gitlab-token-not-real' });
    // every extension the Connector sets, and every x-openapi-address of the class, is declared by the class
    const gitlab = find('ConnectorClass', 'gitlab');
    const declared = (gitlab.spec?.addressExtensions as Array<{ name: string }>).map((e) => e.name);
    for (const e of c.spec?.addressExtensions as Array<{ name: string }>) expect(declared).toContain(e.name);
    const { paths } = (gitlab.spec?.api as { openapi: OpenApi }).openapi;
    for (const op of Object.values(paths).flatMap((ops) => Object.values(ops))) {
      expect(['api', 'proxy']).toContain(op['x-provider-type']);
      if (op['x-openapi-address'] !== undefined) expect(declared).toContain(op['x-openapi-address']);
    }
  });

  it.each([
    ['team-a', 'git1', 'git', 'https://github.com', { name: 'basicAuth', secretRef: { name: 'git1-basic' } }],
    ['team-a', 'git2', 'git', 'https://gitlab.example.com', { name: 'tokenAuth', secretRef: { name: 'git2-token' } }],
    ['team-a', 'noapi', 'git-noapi', 'https://git.example.com', undefined],
    ['kube-public', 'shared-git', 'git', 'https://github.com', { name: 'basicAuth', secretRef: { name: 'public-git-basic' } }],
  ])('declares Connector %s/%s (class %s, address %s)', (ns, name, cls, address, auth) => {
    const c = find('Connector', name, ns);
    expect(c.apiVersion).toBe('connectors.alauda.io/v1alpha1');
    expect(c.spec).toEqual({ connectorClassName: cls, address, ...(auth ? { auth } : {}) });
    if (auth) expect(OBJECTS.some((o) => o.kind === 'Secret' && o.metadata.name === auth.secretRef.name)).toBe(true);
  });

  it.each([
    ['team-a', 'git1-basic', 'kubernetes.io/basic-auth', ['password', 'username']],
    ['team-a', 'git2-token', 'connectors.cpaas.io/bearer-token', ['token']],
    ['kube-public', 'public-git-basic', 'kubernetes.io/basic-auth', ['password', 'username']],
    ['team-a', 'gitlab1-token', 'connectors.cpaas.io/gitlab-pat-auth', ['token']],
  ])('declares Secret %s/%s of type %s', (ns, name, type, keys) => {
    const s = find('Secret', name, ns);
    expect(s.type).toBe(type);
    expect(Object.keys(s.stringData ?? {}).sort()).toEqual(keys);
  });

  it('sets every feature flag to "false" in connectors-system/connectors-config', () => {
    expect(find('ConfigMap', 'connectors-config', 'connectors-system').data).toEqual({
      'enable-connector-apis-permissions': 'false',
      'enable-connector-apis-write-passthrough': 'false',
      'enable-connector-proxy-permissions': 'false',
      'enable-connectors-approval': 'false',
      'enable-multi-connector': 'false',
      'enable-custom-ca-certs': 'false',
      'enable-pod-image-pull-via-connector': 'false',
    });
  });

  describe('RBAC', () => {
    const grants = (o: KubeObject, group: string, resource: string, verb: string) =>
      (o.rules ?? []).some((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb));
    const user = (name: string) => [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name }];
    /** Every rule of the roles bound to `name` (User subject) in team-a or cluster-wide. */
    const rulesOfUser = (name: string): Rule[] =>
      OBJECTS.filter((b) => (b.kind === 'RoleBinding' && b.metadata.namespace === 'team-a') || b.kind === 'ClusterRoleBinding')
        .filter((b) => (b.subjects ?? []).some((s) => s.kind === 'User' && s.name === name))
        .flatMap((b) => {
          const ref = b.roleRef ?? { apiGroup: '', kind: '', name: '' };
          return find(ref.kind, ref.name, ref.kind === 'Role' ? b.metadata.namespace : undefined).rules ?? [];
        });

    it('gives the connectors-api ServiceAccount what the service needs', () => {
      find('ServiceAccount', 'connectors-api', 'connectors-system');
      const role = find('ClusterRole', 'connectors-api');
      expect(grants(role, 'authentication.k8s.io', 'tokenreviews', 'create')).toBe(true);
      expect(grants(role, 'authorization.k8s.io', 'subjectaccessreviews', 'create')).toBe(true);
      for (const verb of ['get', 'list', 'watch']) {
        for (const r of ['connectors', 'connectorclasses']) expect(grants(role, 'connectors.alauda.io', r, verb)).toBe(true);
        for (const r of ['secrets', 'services']) expect(grants(role, '', r, verb)).toBe(true);
        // configmaps only in the install namespace, through a Role (as the chart grants them)
        expect(grants(role, '', 'configmaps', verb)).toBe(false);
        expect(grants(find('Role', 'connectors-api-flags', 'connectors-system'), '', 'configmaps', verb)).toBe(true);
      }
      const flagsBinding = find('RoleBinding', 'connectors-api-flags', 'connectors-system');
      expect(flagsBinding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'connectors-api', namespace: 'connectors-system' }]);
      const binding = find('ClusterRoleBinding', 'connectors-api');
      expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'connectors-api' });
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'connectors-api', namespace: 'connectors-system' }]);
    });

    it('lets alice read Connectors and connectors/apis/git in team-a', () => {
      const reader = find('Role', 'connector-reader', 'team-a');
      for (const verb of ['get', 'list', 'watch']) expect(grants(reader, 'connectors.alauda.io', 'connectors', verb)).toBe(true);
      expect(grants(find('ClusterRole', 'connectors-apis-git-reader'), 'connectors.alauda.io', 'connectors/apis/git', 'get')).toBe(true);
      for (const [name, kind] of [['connector-reader', 'Role'], ['connectors-apis-git-reader', 'ClusterRole']] as const) {
        const b = find('RoleBinding', name, 'team-a');
        expect(b.roleRef).toMatchObject({ kind, name });
        expect(b.subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' }]);
      }
    });

    it('lets alice get connectors/apis/gitlab (every path, read only) in team-a', () => {
      const reader = find('ClusterRole', 'connectors-apis-gitlab-reader');
      expect(reader.rules).toEqual([{ apiGroups: ['connectors.alauda.io'], resources: ['connectors/apis/gitlab'], verbs: ['get'] }]);
      const b = find('RoleBinding', 'connectors-apis-gitlab-reader', 'team-a');
      expect(b.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'connectors-apis-gitlab-reader' });
      expect(b.subjects).toEqual(user('alice'));
      // no write verb on any connectors/apis resource
      const apiRules = rulesOfUser('alice').filter((r) => r.resources.some((res) => res.startsWith('connectors/apis')));
      expect(apiRules.flatMap((r) => r.resources).sort()).toEqual(['connectors/apis/git', 'connectors/apis/gitlab']);
      expect(new Set(apiRules.flatMap((r) => r.verbs))).toEqual(new Set(['get']));
    });

    it('lets carol get Connector gitlab1 only, and get/create only on the gitlab issues path', () => {
      const viewer = find('Role', 'connector-gitlab1-viewer', 'team-a');
      expect(viewer.rules).toEqual([
        { apiGroups: ['connectors.alauda.io'], resources: ['connectors'], resourceNames: ['gitlab1'], verbs: ['get'] },
      ]);
      const writer = find('ClusterRole', 'connectors-apis-gitlab-issues-writer');
      const template = '/api/v4/projects/{project_id}/issues';
      expect(writer.rules).toEqual([
        { apiGroups: ['connectors.alauda.io'], resources: [`connectors/apis/gitlab${template}`], verbs: ['get', 'create'] },
      ]);
      // the path-scoped resource names a real template of the class (braces included), one that accepts POST
      const { paths } = (find('ConnectorClass', 'gitlab').spec?.api as { openapi: OpenApi }).openapi;
      expect(Object.keys(paths[template] ?? {}).sort()).toEqual(['get', 'post']);
      for (const [name, kind] of [['connector-gitlab1-viewer', 'Role'], ['connectors-apis-gitlab-issues-writer', 'ClusterRole']] as const) {
        const b = find('RoleBinding', name, 'team-a');
        expect(b.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind, name });
        expect(b.subjects).toEqual(user('carol'));
      }
      // nothing else: carol holds exactly these two rules (and no group: tokens.csv gives her none)
      const carol = rulesOfUser('carol');
      expect(carol).toHaveLength(2);
      expect(carol).toEqual(expect.arrayContaining([...(viewer.rules ?? []), ...(writer.rules ?? [])]));
    });

    it('lets group developers get and list ConnectorClasses', () => {
      const viewer = find('ClusterRole', 'connectorclass-viewer');
      for (const verb of ['get', 'list']) expect(grants(viewer, 'connectors.alauda.io', 'connectorclasses', verb)).toBe(true);
      const b = find('ClusterRoleBinding', 'connectorclass-viewer');
      expect(b.roleRef).toMatchObject({ kind: 'ClusterRole', name: 'connectorclass-viewer' });
      expect(b.subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'developers' }]);
    });

    it('binds nothing to bob and every binding to an existing role', () => {
      const bindings = OBJECTS.filter((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding');
      expect(bindings).toHaveLength(8);
      for (const b of bindings) {
        expect((b.subjects ?? []).map((s) => s.name)).not.toContain('bob');
        const ref = b.roleRef ?? { apiGroup: '', kind: '', name: '' };
        find(ref.kind, ref.name, ref.kind === 'Role' ? b.metadata.namespace : undefined);
      }
    });
  });

  it('lists the four static tokens in token-auth-file format', () => {
    const lines = readFileSync(path.join(DIR, 'tokens.csv'), 'utf8').trim().split('\n');
    // token,user,uid[,"group1,group2"]: the optional 4th field is quoted because it holds commas
    const rows = lines.map((line) => {
      const m = /^([^,]+),([^,]+),([^,]+)(?:,"([^"]*)")?$/.exec(line);
      expect(m).not.toBeNull();
      return { token: m?.[1], user: m?.[2], uid: m?.[3], groups: m?.[4]?.split(',') ?? [] };
    });
    expect(rows).toEqual([
      { token: 'demo-alice-token', user: 'alice', uid: 'uid-alice', groups: ['developers'] },
      { token: 'demo-bob-token', user: 'bob', uid: 'uid-bob', groups: [] },
      {
        token: 'demo-service-token',
        user: 'system:serviceaccount:connectors-system:connectors-api',
        uid: 'uid-connectors-api',
        groups: ['system:serviceaccounts', 'system:serviceaccounts:connectors-system'],
      },
      { token: 'demo-carol-token', user: 'carol', uid: 'uid-carol', groups: [] },
    ]);
  });
});

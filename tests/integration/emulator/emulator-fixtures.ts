// Shared by the emulator's integration tests: a small cluster, tokens for each kind of caller, real client-node
// clients built from the kubeconfig the emulator writes, and a bounded wait.
import { request } from 'node:https';
import * as k8s from '@kubernetes/client-node';
import type { EmulatorOptions, KubeObject, StaticToken } from '../../../emulator/index.js';

export const NS = 'team-a';
export const TOKENS = {
  admin: 'admin-token', // system:masters
  reader: 'reader-token', // may read secrets and connectors in team-a, and create reviews
  nobody: 'nobody-token', // authenticated, no RBAC
} as const;

const staticTokens: StaticToken[] = [
  { token: TOKENS.admin, user: 'admin', uid: 'u-admin', groups: ['system:masters'] },
  { token: TOKENS.reader, user: 'reader', uid: 'u-reader', groups: ['readers'] },
  { token: TOKENS.nobody, user: 'nobody' },
];

const rbac = 'rbac.authorization.k8s.io/v1';

export const fixtureObjects = (): KubeObject[] => [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'git-auth', namespace: NS }, type: 'kubernetes.io/basic-auth', stringData: { username: 'u', password: 'p' } },
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder', namespace: NS } },
  {
    apiVersion: 'connectors.alauda.io/v1alpha1',
    kind: 'ConnectorClass',
    metadata: { name: 'git' },
    spec: { api: { uri: 'http://git-api.example' } },
  },
  {
    apiVersion: 'connectors.alauda.io/v1alpha1',
    kind: 'Connector',
    metadata: { name: 'git1', namespace: NS, labels: { tool: 'git' } },
    spec: { connectorClassName: 'git', address: 'https://git.example' },
  },
  {
    apiVersion: rbac,
    kind: 'ClusterRole',
    metadata: { name: 'reviewer' },
    rules: [
      { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
      { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
    ],
  },
  {
    apiVersion: rbac,
    kind: 'ClusterRoleBinding',
    metadata: { name: 'readers-review' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'reviewer' },
    subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'readers' }],
  },
  {
    apiVersion: rbac,
    kind: 'Role',
    metadata: { name: 'reader', namespace: NS },
    rules: [
      { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['connectors.alauda.io'], resources: ['connectors'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['connectors.alauda.io'], resources: ['connectors/apis/git'], verbs: ['get'], resourceNames: ['git1'] },
    ],
  },
  {
    apiVersion: rbac,
    kind: 'RoleBinding',
    metadata: { name: 'reader', namespace: NS },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
    subjects: [
      { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'reader' },
      { kind: 'ServiceAccount', name: 'builder' },
    ],
  },
];

export const fixtureOptions = (extra: EmulatorOptions = {}): EmulatorOptions => ({
  objects: fixtureObjects(),
  staticTokens,
  ...extra,
});

export interface Clients {
  kc: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  custom: k8s.CustomObjectsApi;
  authn: k8s.AuthenticationV1Api;
  authz: k8s.AuthorizationV1Api;
  rbac: k8s.RbacAuthorizationV1Api;
}

/** Real client-node clients configured only from the emulator's kubeconfig. */
export function clientsFor(kubeconfig: string): Clients {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(kubeconfig);
  return {
    kc,
    core: kc.makeApiClient(k8s.CoreV1Api),
    custom: kc.makeApiClient(k8s.CustomObjectsApi),
    authn: kc.makeApiClient(k8s.AuthenticationV1Api),
    authz: kc.makeApiClient(k8s.AuthorizationV1Api),
    rbac: kc.makeApiClient(k8s.RbacAuthorizationV1Api),
  };
}

/** Resolves once check() is true; rejects after timeoutMs (polls every 10 ms). */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The error an ApiException-throwing call rejected with, with its HTTP code and parsed Status body. */
export async function apiError(call: Promise<unknown>): Promise<{ code: number; body: Record<string, unknown> }> {
  try {
    await call;
  } catch (err) {
    if (err instanceof k8s.ApiException) {
      const raw: unknown = err.body;
      const body = typeof raw === 'string' ? (JSON.parse(raw) as Record<string, unknown>) : ((raw ?? {}) as Record<string, unknown>);
      return { code: err.code, body };
    }
    throw err;
  }
  throw new Error('expected the call to fail');
}

export interface RawResponse {
  status: number;
  contentType: string;
  body: string;
}

/** One HTTPS request to the emulator without client-node, for what the typed clients cannot send. */
export function rawRequest(
  emu: { url: string; caPem: string },
  path: string,
  opts: { method?: string; token?: string; body?: string; contentType?: string } = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = {};
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, emu.url), { method: opts.method ?? 'GET', ca: emu.caPem, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

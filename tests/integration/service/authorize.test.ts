import request from 'supertest';
import { ALICE, BOB, resourcesPath, startHarness, waitFor, type Harness } from '../../helpers/harness.js';

const FLAGS = 'connectors-config';
const GIT1 = resourcesPath('team-a', 'git1', 'gitrefs');

function setFlags(h: Harness, data: Record<string, string>): void {
  const cm = h.emulator.store.get('v1', 'ConfigMap', 'connectors-system', FLAGS);
  if (!cm) throw new Error('no flags ConfigMap');
  h.emulator.store.update({ ...cm, data: { ...(cm.data as Record<string, string>), ...data } });
}

async function featureFlags(h: Harness, token = ALICE): Promise<request.Response> {
  return request(h.url).get('/connectors-operator/featureflags').set('Authorization', `Bearer ${token}`);
}

describe('authorization (SubjectAccessReview)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      objects: [
        { apiVersion: 'connectors.alauda.io/v1alpha1', kind: 'ConnectorClass', metadata: { name: 'other' }, spec: {} },
        { apiVersion: 'connectors.alauda.io/v1alpha1', kind: 'Connector', metadata: { name: 'other1', namespace: 'team-a' }, spec: { connectorClassName: 'other', address: 'https://other.example.com' } },
      ],
    });
    h.publishClassApi('other', `${h.upstream.url}/api`);
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(() => h.upstream.reset());

  it('returns 403 Status worded like the API server when SAR get connectors is denied, before reading the Connector', async () => {
    for (const name of ['git1', 'does-not-exist']) {
      const res = await request(h.url).get(resourcesPath('team-a', name, 'gitrefs')).set('Authorization', `Bearer ${BOB}`);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({
        kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Forbidden', code: 403,
        message: `connectors.connectors.alauda.io "${name}" is forbidden: User "bob" cannot get resource "connectors" in API group "connectors.alauda.io" in the namespace "team-a"`,
      });
    }
    expect(h.upstream.requests).toHaveLength(0);
  });

  it('checks the namespace of the path: alice may read team-a but not kube-public', async () => {
    expect((await request(h.url).get(GIT1).set('Authorization', `Bearer ${ALICE}`)).status).toBe(200);
    expect((await request(h.url).get(resourcesPath('kube-public', 'shared-git', 'gitrefs')).set('Authorization', `Bearer ${ALICE}`)).status).toBe(403);
  });

  it('requires connectors/apis/<class> only while enable-connector-apis-permissions is "true", read live from the ConfigMap', async () => {
    const other = resourcesPath('team-a', 'other1', 'things');
    expect((await request(h.url).get(other).set('Authorization', `Bearer ${ALICE}`)).status).toBe(200);
    setFlags(h, { 'enable-connector-apis-permissions': 'true' });
    try {
      await waitFor(async () => (await request(h.url).get(other).set('Authorization', `Bearer ${ALICE}`)).status === 403, 3000, 'the flag to apply');
      const denied = await request(h.url).get(other).set('Authorization', `Bearer ${ALICE}`);
      expect(denied.body.message).toBe(
        'connectors.connectors.alauda.io "other1" is forbidden: User "alice" cannot get resource "connectors/apis/other" in API group "connectors.alauda.io" in the namespace "team-a"',
      );
      // alice holds connectors/apis/git (ClusterRole connectors-apis-git-reader), so git1 still works.
      expect((await request(h.url).get(GIT1).set('Authorization', `Bearer ${ALICE}`)).status).toBe(200);
    } finally {
      setFlags(h, { 'enable-connector-apis-permissions': 'false' });
    }
    await waitFor(async () => (await request(h.url).get(other).set('Authorization', `Bearer ${ALICE}`)).status === 200, 3000, 'the flag to turn off');
  });

  it('asks the API server the exact SAR #2 attributes (a role for another verb does not help)', async () => {
    // A Role granting only `list` on connectors/apis/other to alice must not satisfy the `get` review.
    h.emulator.store.create({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'apis-other-list', namespace: 'team-a' }, rules: [{ apiGroups: ['connectors.alauda.io'], resources: ['connectors/apis/other'], verbs: ['list'] }] });
    h.emulator.store.create({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'apis-other-list', namespace: 'team-a' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'apis-other-list' }, subjects: [{ kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' }] });
    setFlags(h, { 'enable-connector-apis-permissions': 'true' });
    try {
      const other = resourcesPath('team-a', 'other1', 'list-only');
      await waitFor(async () => (await request(h.url).get(other).set('Authorization', `Bearer ${ALICE}`)).status === 403, 3000, 'the flag to apply');
      // Granting get on the subresource opens it (after the short deny TTL).
      h.emulator.store.create({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'apis-other-get', namespace: 'team-a' }, rules: [{ apiGroups: ['connectors.alauda.io'], resources: ['connectors/apis/other'], verbs: ['get'] }] });
      h.emulator.store.create({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'apis-other-get', namespace: 'team-a' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'apis-other-get' }, subjects: [{ kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' }] });
      await waitFor(async () => (await request(h.url).get(other).set('Authorization', `Bearer ${ALICE}`)).status === 200, 5000, 'the grant to apply');
    } finally {
      setFlags(h, { 'enable-connector-apis-permissions': 'false' });
    }
  });

  describe('GET /connectors-operator/featureflags', () => {
    it('answers every known flag merged with the ConfigMap to a caller allowed get connectorclasses', async () => {
      setFlags(h, { 'enable-multi-connector': 'true' });
      await waitFor(async () => (await featureFlags(h)).body['enable-multi-connector'] === 'true', 3000, 'the ConfigMap change');
      const res = await featureFlags(h);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        'enable-connector-apis-permissions': 'false',
        'enable-connector-apis-write-passthrough': 'false',
        'enable-connector-proxy-permissions': 'false',
        'enable-connectors-approval': 'false',
        'enable-multi-connector': 'true',
        'enable-custom-ca-certs': 'false',
        'enable-pod-image-pull-via-connector': 'false',
      });
      setFlags(h, { 'enable-multi-connector': 'false' });
    });

    it('answers the defaults when the ConfigMap does not exist', async () => {
      const cm = h.emulator.store.get('v1', 'ConfigMap', 'connectors-system', FLAGS);
      h.emulator.store.delete('v1', 'ConfigMap', 'connectors-system', FLAGS);
      try {
        await waitFor(async () => Object.values((await featureFlags(h)).body).every((v) => v === 'false'), 3000, 'the deletion');
      } finally {
        if (cm) h.emulator.store.create({ ...cm, metadata: { name: FLAGS, namespace: 'connectors-system' } });
      }
    });

    it('returns 401 without a token and 403 Status to a caller who may not get connectorclasses', async () => {
      expect((await request(h.url).get('/connectors-operator/featureflags')).status).toBe(401);
      const res = await featureFlags(h, BOB);
      expect(res.status).toBe(403);
      expect(res.body.message).toBe('connectorclasses.connectors.alauda.io is forbidden: User "bob" cannot get resource "connectorclasses" in API group "connectors.alauda.io" at the cluster scope');
    });
  });
});

import { startEmulator, type Emulator } from '../../../emulator/index.js';
import { apiError, clientsFor, fixtureOptions, NS, TOKENS, type Clients } from './emulator-fixtures.js';

describe('emulator: TokenReview and SubjectAccessReview through the real client-node', () => {
  let emu: Emulator;
  let reviewer: Clients;

  beforeAll(async () => {
    emu = await startEmulator(fixtureOptions());
    reviewer = clientsFor(emu.kubeconfig(TOKENS.reader));
  });
  afterAll(() => emu.stop());

  const review = (token: string, audiences?: string[]) =>
    reviewer.authn.createTokenReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences } } });

  it('authenticates a static token with its uid and groups plus system:authenticated', async () => {
    const result = await review(TOKENS.reader);
    expect(result.kind).toBe('TokenReview');
    expect(result.apiVersion).toBe('authentication.k8s.io/v1');
    expect(result.status).toEqual({
      authenticated: true,
      user: { username: 'reader', uid: 'u-reader', groups: ['readers', 'system:authenticated'] },
      audiences: ['https://kubernetes.default.svc.cluster.local'],
    });
  });

  it('authenticates a service-account token as system:serviceaccount:<ns>:<name> with the ServiceAccount uid', async () => {
    const result = await review(emu.issueServiceAccountToken(NS, 'builder'));
    const sa = emu.store.get('v1', 'ServiceAccount', NS, 'builder');
    expect(result.status?.authenticated).toBe(true);
    expect(result.status?.user).toMatchObject({
      username: `system:serviceaccount:${NS}:builder`,
      uid: sa?.metadata.uid,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${NS}`, 'system:authenticated'],
    });
  });

  it('honours the audiences of a TokenReview', async () => {
    const token = emu.issueServiceAccountToken(NS, 'builder', { audiences: ['connectors-api'] });
    expect((await review(token, ['connectors-api'])).status).toMatchObject({ authenticated: true, audiences: ['connectors-api'] });
    expect((await review(token)).status?.authenticated).toBe(false);
  });

  it('does not authenticate unknown or expired tokens (201 with authenticated: false)', async () => {
    expect((await review('who-knows')).status?.authenticated).toBe(false);
    const expired = await review(emu.issueServiceAccountToken(NS, 'builder', { expiresInSeconds: -5 }));
    expect(expired.status).toMatchObject({ authenticated: false, error: '[invalid bearer token, service account token has expired]' });
  });

  it('lets a service-account token call the API with its RBAC', async () => {
    const asSa = clientsFor(emu.kubeconfig(emu.issueServiceAccountToken(NS, 'builder')));
    expect((await asSa.core.listNamespacedSecret({ namespace: NS })).items.length).toBeGreaterThan(0);
    expect((await apiError(asSa.core.listNamespacedSecret({ namespace: 'default' }))).code).toBe(403);
    const expired = clientsFor(emu.kubeconfig(emu.issueServiceAccountToken(NS, 'builder', { expiresInSeconds: -5 })));
    expect((await apiError(expired.core.listNamespacedSecret({ namespace: NS }))).code).toBe(401);
  });

  const sar = (user: string, groups: string[], subresource?: string, name = 'git1') =>
    reviewer.authz.createSubjectAccessReview({
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: { user, groups, resourceAttributes: { namespace: NS, verb: 'get', group: 'connectors.alauda.io', resource: 'connectors', subresource, name } },
      },
    });

  it('allows get on a Connector granted by a RoleBinding, with the RBAC reason', async () => {
    const result = await sar('reader', ['readers']);
    expect(result.kind).toBe('SubjectAccessReview');
    expect(result.status).toEqual({
      allowed: true,
      reason: 'RBAC: allowed by RoleBinding "reader/team-a" of Role "reader" to User "reader"',
    });
  });

  it('matches the connectors/apis/<class> subresource, narrowed by resourceNames', async () => {
    expect((await sar('reader', [], 'apis/git')).status?.allowed).toBe(true);
    expect((await sar('reader', [], 'apis/git', 'other')).status?.allowed).toBe(false);
    expect((await sar('reader', [], 'apis/git/api/v4/projects/{project_id}')).status?.allowed).toBe(false);
  });

  it('denies a user without bindings', async () => {
    expect((await sar('nobody', ['system:authenticated'])).status).toEqual({ allowed: false });
  });

  it('allows system:masters without any binding', async () => {
    expect((await sar('root', ['system:masters'])).status?.allowed).toBe(true);
  });

  it('rejects a SubjectAccessReview without user or groups with 422 Invalid', async () => {
    const { code, body } = await apiError(reviewer.authz.createSubjectAccessReview({
      body: { spec: { resourceAttributes: { verb: 'get', resource: 'secrets' } } },
    }));
    expect([code, body.reason]).toEqual([422, 'Invalid']);
  });

  it('needs RBAC to create reviews', async () => {
    const nobody = clientsFor(emu.kubeconfig(TOKENS.nobody));
    const { code, body } = await apiError(nobody.authn.createTokenReview({ body: { spec: { token: TOKENS.reader } } }));
    expect(code).toBe(403);
    expect(body.message).toBe(
      'tokenreviews.authentication.k8s.io is forbidden: User "nobody" cannot create resource "tokenreviews" in API group "authentication.k8s.io" at the cluster scope',
    );
  });

  it('counts reviews', async () => {
    emu.resetCounters();
    await review(TOKENS.reader);
    await sar('reader', []);
    expect(emu.counters()).toEqual({ 'create tokenreviews': 1, 'create subjectaccessreviews': 1 });
  });
});

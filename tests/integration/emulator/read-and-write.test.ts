import * as k8s from '@kubernetes/client-node';
import { startEmulator, type Emulator } from '../../../emulator/index.js';
import { apiError, clientsFor, fixtureOptions, NS, rawRequest, TOKENS, type Clients } from './emulator-fixtures.js';

describe('emulator: reads and writes through the real client-node', () => {
  let emu: Emulator;
  let admin: Clients;
  let reader: Clients;

  beforeAll(async () => {
    emu = await startEmulator(fixtureOptions());
    admin = clientsFor(emu.kubeconfig(TOKENS.admin));
    reader = clientsFor(emu.kubeconfig(TOKENS.reader));
  });
  afterAll(() => emu.stop());

  it('serves over HTTPS on 127.0.0.1 with a kubeconfig that trusts its CA', () => {
    expect(emu.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(admin.kc.getCurrentCluster()?.server).toBe(emu.url);
    expect(emu.caPem).toContain('BEGIN CERTIFICATE');
  });

  it('lists Secrets with the global resourceVersion and base64 data from stringData', async () => {
    const list = await reader.core.listNamespacedSecret({ namespace: NS });
    expect(list.metadata?.resourceVersion).toMatch(/^\d+$/);
    expect(list.items.map((s) => s.metadata?.name)).toEqual(['git-auth']);
    expect(list.items[0]?.data).toEqual({ username: Buffer.from('u').toString('base64'), password: Buffer.from('p').toString('base64') });
  });

  it('gets a Connector and lists ConnectorClasses through CustomObjectsApi', async () => {
    const conn = (await reader.custom.getNamespacedCustomObject({
      group: 'connectors.alauda.io', version: 'v1alpha1', namespace: NS, plural: 'connectors', name: 'git1',
    })) as k8s.KubernetesObject;
    expect(conn.kind).toBe('Connector');
    expect(conn.metadata?.uid).toBeDefined();
    const classes = (await admin.custom.listClusterCustomObject({
      group: 'connectors.alauda.io', version: 'v1alpha1', plural: 'connectorclasses',
    })) as { kind: string; items: k8s.KubernetesObject[] };
    expect(classes.kind).toBe('ConnectorClassList');
    expect(classes.items.map((c) => c.metadata?.name)).toEqual(['git']);
  });

  it('filters lists by label and field selectors', async () => {
    const byLabel = (await reader.custom.listNamespacedCustomObject({
      group: 'connectors.alauda.io', version: 'v1alpha1', namespace: NS, plural: 'connectors', labelSelector: 'tool=svn',
    })) as { items: unknown[] };
    expect(byLabel.items).toHaveLength(0);
    const byField = await reader.core.listNamespacedSecret({ namespace: NS, fieldSelector: 'metadata.name=git-auth' });
    expect(byField.items).toHaveLength(1);
  });

  it('answers a missing Secret with a 404 NotFound Status named like the apiserver', async () => {
    const { code, body } = await apiError(reader.core.readNamespacedSecret({ namespace: NS, name: 'missing' }));
    expect(code).toBe(404);
    expect(body).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: 'secrets "missing" not found', reason: 'NotFound', details: { name: 'missing', kind: 'secrets' }, code: 404,
    });
  });

  it('qualifies custom resources with their group in NotFound messages', async () => {
    const { body } = await apiError(reader.custom.getNamespacedCustomObject({
      group: 'connectors.alauda.io', version: 'v1alpha1', namespace: NS, plural: 'connectors', name: 'nope',
    }));
    expect(body.message).toBe('connectors.connectors.alauda.io "nope" not found');
  });

  it('creates, conflicts on a stale update, patches and deletes', async () => {
    const created = await admin.core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'flags' }, data: { a: 'true' } } });
    expect(created.metadata?.resourceVersion).toMatch(/^\d+$/);
    const again = await apiError(admin.core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'flags' } } }));
    expect([again.code, again.body.reason]).toEqual([409, 'AlreadyExists']);

    const updated = await admin.core.replaceNamespacedConfigMap({ namespace: NS, name: 'flags', body: { ...created, data: { a: 'false' } } });
    expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(Number(created.metadata?.resourceVersion));
    const stale = await apiError(admin.core.replaceNamespacedConfigMap({ namespace: NS, name: 'flags', body: created }));
    expect([stale.code, stale.body.reason]).toEqual([409, 'Conflict']);

    const patched = await admin.core.patchNamespacedConfigMap(
      { namespace: NS, name: 'flags', body: { data: { b: '1' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    expect(patched.data).toEqual({ a: 'false', b: '1' });
    const jsonPatched = await admin.core.patchNamespacedConfigMap({ namespace: NS, name: 'flags', body: [{ op: 'remove', path: '/data/a' }] });
    expect(jsonPatched.data).toEqual({ b: '1' });

    await admin.core.deleteNamespacedConfigMap({ namespace: NS, name: 'flags' });
    expect(emu.store.get('v1', 'ConfigMap', NS, 'flags')).toBeUndefined();
  });

  it('sees objects written through the store', async () => {
    emu.store.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'from-store', namespace: NS }, stringData: { token: 't' } });
    const got = await reader.core.readNamespacedSecret({ namespace: NS, name: 'from-store' });
    expect(got.data?.token).toBe(Buffer.from('t').toString('base64'));
  });

  it('returns 401 Unauthorized Status without a token or with an unknown one', async () => {
    for (const token of [undefined, 'unknown-token']) {
      const res = await rawRequest(emu, `/api/v1/namespaces/${NS}/secrets`, { token });
      expect(res.status).toBe(401);
      expect(res.contentType).toBe('application/json');
      expect(JSON.parse(res.body)).toEqual({
        kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401,
      });
    }
    const { code } = await apiError(clientsFor(emu.kubeconfig('unknown-token')).core.listNamespacedSecret({ namespace: NS }));
    expect(code).toBe(401);
  });

  it('returns 403 Forbidden Status worded like the apiserver for a user without RBAC', async () => {
    const nobody = clientsFor(emu.kubeconfig(TOKENS.nobody));
    const { code, body } = await apiError(nobody.custom.getNamespacedCustomObject({
      group: 'connectors.alauda.io', version: 'v1alpha1', namespace: NS, plural: 'connectors', name: 'git1',
    }));
    expect(code).toBe(403);
    expect(body).toMatchObject({
      reason: 'Forbidden',
      code: 403,
      message: `connectors.connectors.alauda.io "git1" is forbidden: User "nobody" cannot get resource "connectors" in API group "connectors.alauda.io" in the namespace "${NS}"`,
      details: { name: 'git1', group: 'connectors.alauda.io', kind: 'connectors' },
    });
    const list = await apiError(nobody.core.listNamespace());
    expect(list.body.message).toBe('namespaces is forbidden: User "nobody" cannot list resource "namespaces" in API group "" at the cluster scope');
  });

  it('returns 404 Status for unknown paths and 400 Status for malformed bodies', async () => {
    const unknown = await rawRequest(emu, '/api/v1/pods', { token: TOKENS.admin });
    expect([unknown.status, JSON.parse(unknown.body).message]).toEqual([404, 'the server could not find the requested resource']);
    const bad = await rawRequest(emu, `/api/v1/namespaces/${NS}/configmaps`, { token: TOKENS.admin, method: 'POST', body: '{nope' });
    expect([bad.status, JSON.parse(bad.body).reason]).toEqual([400, 'BadRequest']);
    const wrongNs = await rawRequest(emu, `/api/v1/namespaces/${NS}/configmaps`, {
      token: TOKENS.admin, method: 'POST', body: JSON.stringify({ metadata: { name: 'x', namespace: 'other' } }),
    });
    expect(wrongNs.status).toBe(400);
  });

  it('counts requests by verb and resource', async () => {
    emu.resetCounters();
    await reader.core.readNamespacedSecret({ namespace: NS, name: 'git-auth' });
    await reader.core.listNamespacedSecret({ namespace: NS });
    await reader.custom.listNamespacedCustomObject({ group: 'connectors.alauda.io', version: 'v1alpha1', namespace: NS, plural: 'connectors' });
    expect(emu.counters()).toEqual({ 'get secrets': 1, 'list secrets': 1, 'list connectors': 1 });
  });
});

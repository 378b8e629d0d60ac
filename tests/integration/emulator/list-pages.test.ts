import * as k8s from '@kubernetes/client-node';
import { startEmulator, type Emulator } from '../../../emulator/index.js';

const ADMIN = 'list-pages-admin-token';

describe('list pagination (limit + continue)', () => {
  let emulator: Emulator;
  let core: k8s.CoreV1Api;
  beforeAll(async () => {
    emulator = await startEmulator({ staticTokens: [{ token: ADMIN, user: 'admin', groups: ['system:masters'] }] });
    for (let i = 0; i < 7; i++) {
      emulator.store.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `s-${i}`, namespace: i % 2 ? 'b' : 'a' }, data: { k: 'dg==' } });
    }
    const kc = new k8s.KubeConfig();
    kc.loadFromString(emulator.kubeconfig(ADMIN));
    core = kc.makeApiClient(k8s.CoreV1Api);
  });
  afterAll(async () => {
    await emulator?.stop();
  });

  it('serves every object exactly once across pages, each page reporting the first page’s resourceVersion', async () => {
    const first = await core.listSecretForAllNamespaces({ limit: 3 });
    expect(first.items).toHaveLength(3);
    expect(first.metadata?.remainingItemCount).toBe(4);
    const rv = first.metadata?.resourceVersion;
    const seen = first.items.map((s) => `${s.metadata?.namespace}/${s.metadata?.name}`);
    let next = first.metadata?._continue;
    for (let page = 0; next && page < 10; page++) {
      const list = await core.listSecretForAllNamespaces({ limit: 3, _continue: next });
      expect(list.metadata?.resourceVersion).toBe(rv);
      seen.push(...list.items.map((s) => `${s.metadata?.namespace}/${s.metadata?.name}`));
      next = list.metadata?._continue;
    }
    expect(next).toBeUndefined();
    expect(seen).toEqual([...new Set(seen)].sort());
    expect(seen).toHaveLength(7);
  });

  it('answers a list without limit in one page and refuses a forged continue token with 400', async () => {
    expect((await core.listSecretForAllNamespaces()).items).toHaveLength(7);
    await expect(core.listSecretForAllNamespaces({ limit: 3, _continue: 'not-a-token' })).rejects.toMatchObject({ code: 400 });
  });
});

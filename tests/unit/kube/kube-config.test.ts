import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadKubeConfig } from '../../../src/kube/kube-config.js';

// client-node's loadFromDefault() falls back to http://localhost:8080 when it finds nothing; loadKubeConfig must
// fail instead, whatever is missing.
describe('loadKubeConfig', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'connectors-api-kubeconfig-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const kubeconfig = (currentContext: string) => `apiVersion: v1
kind: Config
clusters:
- name: emu
  cluster: {server: 'https://127.0.0.1:6443', certificate-authority-data: ''}
users:
- name: svc
  user: {token: not-a-real-token}
contexts:
- name: emu
  context: {cluster: emu, user: svc}
current-context: ${currentContext}
`;

  it('loads the file $KUBECONFIG names: its current cluster, never localhost:8080', async () => {
    const file = path.join(dir, 'ok');
    await writeFile(file, kubeconfig('emu'));
    expect(loadKubeConfig(file).getCurrentCluster()?.server).toBe('https://127.0.0.1:6443');
  });

  it('a file that cannot be read is an error naming it', () => {
    const file = path.join(dir, 'does-not-exist');
    expect(() => loadKubeConfig(file)).toThrow(`cannot load the kubeconfig ${file}`);
  });

  it('a file whose current context names no cluster is an error, not a default server', async () => {
    const file = path.join(dir, 'no-context');
    await writeFile(file, kubeconfig('missing'));
    expect(() => loadKubeConfig(file)).toThrow(/has no current cluster/);
  });

  it('no $KUBECONFIG and no ServiceAccount token (not in a cluster) is an error, not a fallback', () => {
    expect(() => loadKubeConfig(undefined)).toThrow(/not running in a cluster/);
  });
});

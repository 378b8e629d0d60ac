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

  describe('a list of files in $KUBECONFIG (kubectl\'s merge rules)', () => {
    /** A kubeconfig with one cluster, user and context all called `name`, at `server`. */
    const single = (name: string, server: string, currentContext?: string) => `apiVersion: v1
kind: Config
clusters:
- name: ${name}
  cluster: {server: '${server}'}
users:
- name: ${name}
  user: {token: not-a-real-token-${name}}
contexts:
- name: ${name}
  context: {cluster: ${name}, user: ${name}}
${currentContext ? `current-context: ${currentContext}` : ''}
`;
    const write = async (name: string, text: string) => {
      const file = path.join(dir, name);
      await writeFile(file, text);
      return file;
    };
    const list = (...files: string[]) => files.join(path.delimiter);

    it('the first file to set the current context wins, and clusters of later files are merged in', async () => {
      const a = await write('list-a', single('a', 'https://127.0.0.1:7001', 'a'));
      const b = await write('list-b', single('b', 'https://127.0.0.1:7002', 'b'));
      const kc = loadKubeConfig(list(a, b));
      expect(kc.getCurrentCluster()?.server).toBe('https://127.0.0.1:7001');
      expect(kc.getCluster('b')?.server).toBe('https://127.0.0.1:7002');
    });

    it('a current context set only by a later file is used, even one naming a context of another file', async () => {
      const a = await write('list-no-current', single('a', 'https://127.0.0.1:7001'));
      const b = await write('list-points-to-a', single('b', 'https://127.0.0.1:7002', 'a'));
      expect(loadKubeConfig(list(a, b)).getCurrentCluster()?.server).toBe('https://127.0.0.1:7001');
      const c = await write('list-c', single('c', 'https://127.0.0.1:7003', 'c'));
      expect(loadKubeConfig(list(a, c)).getCurrentCluster()?.server).toBe('https://127.0.0.1:7003');
    });

    it('for a name defined twice the first file wins', async () => {
      const first = await write('list-first', single('same', 'https://127.0.0.1:7101', 'same'));
      const second = await write('list-second', single('same', 'https://127.0.0.1:7102', 'same'));
      const kc = loadKubeConfig(list(first, second));
      expect(kc.getCurrentCluster()?.server).toBe('https://127.0.0.1:7101');
      expect(kc.clusters).toHaveLength(1);
      expect(kc.getUser('same')?.token).toBe('not-a-real-token-same');
    });

    it('skips empty entries and files that do not exist', async () => {
      const a = await write('list-only', single('a', 'https://127.0.0.1:7001', 'a'));
      expect(loadKubeConfig(list('', path.join(dir, 'not-there'), a, '')).getCurrentCluster()?.server).toBe('https://127.0.0.1:7001');
    });

    it('a list none of whose files exists, or with an unreadable file, is an error', async () => {
      const missing = list(path.join(dir, 'gone-1'), path.join(dir, 'gone-2'));
      expect(() => loadKubeConfig(missing)).toThrow(`cannot load the kubeconfig ${missing}: none of its files exists`);
      const broken = await write('list-broken', 'clusters: [unclosed');
      const a = await write('list-fine', single('a', 'https://127.0.0.1:7001', 'a'));
      expect(() => loadKubeConfig(list(a, broken))).toThrow(`cannot load the kubeconfig ${broken}`);
    });
  });
});

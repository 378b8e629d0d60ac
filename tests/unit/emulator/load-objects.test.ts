import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadObjectsDir, parseObjectsYaml } from '../../../emulator/load-objects.js';

describe('parseObjectsYaml', () => {
  it('reads every document, skips empty ones and expands kind: List', () => {
    const text = [
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}',
      '',
      'apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: c1, namespace: a}}\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: c2, namespace: a}}',
    ].join('\n---\n');
    expect(parseObjectsYaml(text, 'x.yaml').map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Namespace/a', 'ConfigMap/c1', 'ConfigMap/c2']);
  });

  it.each<[string, string, RegExp]>([
    ['an unserved kind', 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}', /x\.yaml \(document 1\): the emulator does not serve kind "Pod"/],
    ['a missing name', 'apiVersion: v1\nkind: Secret\nmetadata: {}', /Secret without metadata.name/],
    ['no kind', 'foo: bar', /not a Kubernetes object/],
    ['broken YAML', 'a: [1', /x\.yaml \(document 1\)/],
  ])('names the file and document for %s', (_name, text, message) => {
    expect(() => parseObjectsYaml(text, 'x.yaml')).toThrow(message);
  });
});

describe('loadObjectsDir', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'emulator-load-'));
    await writeFile(join(dir, 'b.yml'), 'apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: a}\nstringData: {k: v}\n');
    await writeFile(join(dir, 'a.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n');
    await writeFile(join(dir, 'notes.txt'), 'not yaml: [');
    await writeFile(join(dir, 'tokens.csv'), 't1,alice,u1,"g1,g2"\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('loads *.yaml and *.yml in name order, and tokens.csv', async () => {
    const loaded = await loadObjectsDir(dir);
    expect(loaded.objects.map((o) => o.kind)).toEqual(['Namespace', 'Secret']);
    expect(loaded.tokens).toEqual([{ token: 't1', user: 'alice', uid: 'u1', groups: ['g1', 'g2'] }]);
  });
});

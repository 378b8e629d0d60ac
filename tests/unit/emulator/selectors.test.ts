import { parseFieldSelector, parseLabelSelector } from '../../../emulator/selectors.js';
import type { KubeObject } from '../../../emulator/types.js';

const obj: KubeObject = {
  apiVersion: 'v1',
  kind: 'Secret',
  type: 'Opaque',
  metadata: { name: 's1', namespace: 'ns', labels: { app: 'git', tier: 'api', 'example.com/team': 'a' } },
};

describe('parseLabelSelector', () => {
  it.each<[string, boolean]>([
    ['', true],
    ['app=git', true],
    ['app==git', true],
    ['app=gitlab', false],
    ['app!=gitlab', true],
    ['app!=git', false],
    ['missing!=x', true],
    ['app', true],
    ['missing', false],
    ['!missing', true],
    ['!app', false],
    ['app=git,tier=api', true],
    ['app=git,tier=web', false],
    ['app in (git,svn)', true],
    ['app notin (git,svn)', false],
    ['app in (svn),tier=api', false],
    ['example.com/team=a', true],
  ])('%j → %s', (selector, expected) => {
    expect(parseLabelSelector(selector)(obj)).toBe(expected);
  });

  it('rejects a malformed key with 400', () => {
    expect(() => parseLabelSelector('a b=c')).toThrow(expect.objectContaining({ code: 400 }));
  });
});

describe('parseFieldSelector', () => {
  it.each<[string, boolean]>([
    ['metadata.name=s1', true],
    ['metadata.name==s1', true],
    ['metadata.name=s2', false],
    ['metadata.name!=s2', true],
    ['metadata.namespace=ns', true],
    ['metadata.namespace=ns,metadata.name=s1', true],
    ['metadata.namespace=other', false],
    ['type=Opaque', true],
  ])('%j → %s', (selector, expected) => {
    expect(parseFieldSelector(selector, 'Secret')(obj)).toBe(expected);
  });

  it('rejects fields the kind does not index, with 400', () => {
    expect(() => parseFieldSelector('spec.foo=x', 'Connector')).toThrow(
      expect.objectContaining({ code: 400, message: expect.stringContaining('"spec.foo" is not a known field selector') }),
    );
    expect(() => parseFieldSelector('type=Opaque', 'ConfigMap')).toThrow(expect.objectContaining({ code: 400 }));
  });
});

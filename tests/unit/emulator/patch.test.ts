import { applyPatch, jsonPatch, mergePatch } from '../../../emulator/patch.js';

describe('mergePatch (RFC 7386)', () => {
  it.each<[unknown, unknown, unknown]>([
    [{ a: 1 }, { b: 2 }, { a: 1, b: 2 }],
    [{ a: 1, b: 2 }, { a: null }, { b: 2 }],
    [{ a: { x: 1, y: 2 } }, { a: { y: null, z: 3 } }, { a: { x: 1, z: 3 } }],
    [{ a: [1, 2] }, { a: [3] }, { a: [3] }],
    [{ a: 1 }, 'x', 'x'],
  ])('%j + %j → %j', (target, patch, expected) => {
    expect(mergePatch(target, patch)).toEqual(expected);
  });
});

describe('jsonPatch (RFC 6902)', () => {
  const doc = { metadata: { labels: { a: '1' } }, list: [1, 2] };
  it.each<[string, unknown[], unknown]>([
    ['add key', [{ op: 'add', path: '/metadata/labels/b', value: '2' }], { metadata: { labels: { a: '1', b: '2' } }, list: [1, 2] }],
    ['replace', [{ op: 'replace', path: '/metadata/labels/a', value: 'x' }], { metadata: { labels: { a: 'x' } }, list: [1, 2] }],
    ['remove', [{ op: 'remove', path: '/metadata/labels/a' }], { metadata: { labels: {} }, list: [1, 2] }],
    ['append', [{ op: 'add', path: '/list/-', value: 3 }], { metadata: { labels: { a: '1' } }, list: [1, 2, 3] }],
    ['insert', [{ op: 'add', path: '/list/0', value: 0 }], { metadata: { labels: { a: '1' } }, list: [0, 1, 2] }],
    ['escaped key', [{ op: 'add', path: '/metadata/labels/example.com~1team', value: 't' }], { metadata: { labels: { a: '1', 'example.com/team': 't' } }, list: [1, 2] }],
    ['move', [{ op: 'move', from: '/metadata/labels/a', path: '/metadata/labels/b' }], { metadata: { labels: { b: '1' } }, list: [1, 2] }],
    ['copy', [{ op: 'copy', from: '/list/0', path: '/first' }], { metadata: { labels: { a: '1' } }, list: [1, 2], first: 1 }],
    ['test passes', [{ op: 'test', path: '/list/1', value: 2 }], doc],
  ])('%s', (_name, ops, expected) => {
    expect(jsonPatch(doc, ops)).toEqual(expected);
  });

  it.each<[string, unknown, number]>([
    ['replace of a missing path', [{ op: 'replace', path: '/nope', value: 1 }], 400],
    ['remove of a missing path', [{ op: 'remove', path: '/metadata/nope' }], 400],
    ['a failed test', [{ op: 'test', path: '/list/0', value: 9 }], 422],
    ['not an array', { op: 'add' }, 400],
    ['unknown op', [{ op: 'frobnicate', path: '/a' }], 400],
  ])('rejects %s', (_name, ops, code) => {
    expect(() => jsonPatch(doc, ops)).toThrow(expect.objectContaining({ code }));
  });

  it('leaves the target untouched', () => {
    const target = { a: { b: 1 } };
    jsonPatch(target, [{ op: 'replace', path: '/a/b', value: 2 }]);
    expect(target).toEqual({ a: { b: 1 } });
  });
});

describe('applyPatch', () => {
  it('picks the patch kind by Content-Type and refuses apply patches with 415', () => {
    expect(applyPatch({ a: 1 }, 'application/merge-patch+json', { b: 1 })).toEqual({ a: 1, b: 1 });
    expect(applyPatch({ a: 1 }, 'application/strategic-merge-patch+json; charset=utf-8', { a: null })).toEqual({});
    expect(applyPatch({ a: 1 }, 'application/json-patch+json', [{ op: 'remove', path: '/a' }])).toEqual({});
    expect(() => applyPatch({}, 'application/apply-patch+yaml', {})).toThrow(expect.objectContaining({ code: 415 }));
  });
});

import { joinUpstreamTarget } from '../../../src/core/upstream-url.js';

describe('joinUpstreamTarget', () => {
  it.each([
    // base without a prefix, with and without trailing slashes
    ['http://git.default.svc.cluster.local', ['gitrefs'], undefined, 'http://git.default.svc.cluster.local', '/gitrefs'],
    ['http://git.default.svc.cluster.local/', ['gitrefs'], undefined, 'http://git.default.svc.cluster.local', '/gitrefs'],
    ['http://git.default.svc.cluster.local//', ['gitrefs'], undefined, 'http://git.default.svc.cluster.local', '/gitrefs'],
    // base with a path prefix: kept, exactly one '/' at the join
    ['http://h/api', ['gitrefs'], undefined, 'http://h', '/api/gitrefs'],
    ['http://h/api/', ['gitrefs'], undefined, 'http://h', '/api/gitrefs'],
    ['http://h/api///', ['gitrefs'], undefined, 'http://h', '/api/gitrefs'],
    ['http://h/a/b', ['c', 'd'], undefined, 'http://h', '/a/b/c/d'],
    // https with a port
    ['https://example-api.default.svc.cluster.local:8443/api', ['auth', 'check'], undefined, 'https://example-api.default.svc.cluster.local:8443', '/api/auth/check'],
    ['https://10.0.0.1:9443', ['x'], undefined, 'https://10.0.0.1:9443', '/x'],
    ['http://h:8080/', ['x'], undefined, 'http://h:8080', '/x'],
    // raw encoded segments untouched
    ['http://h/api', ['a%2Fb', 'c'], undefined, 'http://h', '/api/a%2Fb/c'],
    ['http://h', ['%2e%2e%2e', 'caf%C3%A9', 'a%20b'], undefined, 'http://h', '/%2e%2e%2e/caf%C3%A9/a%20b'],
    ['http://h', ['a b', 'café'], undefined, 'http://h', '/a b/café'],
    ['http://h', ['a', 'b', ''], undefined, 'http://h', '/a/b/'],
    // raw query unchanged; '?' present but empty stays
    ['http://h/api', ['gitrefs'], 'repositoryUrl=https%3A%2F%2Fgithub.com%2Fa&page=2', 'http://h', '/api/gitrefs?repositoryUrl=https%3A%2F%2Fgithub.com%2Fa&page=2'],
    ['http://h/api', ['gitrefs'], '', 'http://h', '/api/gitrefs?'],
    ['http://h', ['x'], 'a=1?b=%zz&c=d e', 'http://h', '/x?a=1?b=%zz&c=d e'],
    // the base's own query and fragment are not part of the target
    ['http://h/api?ignored=1#frag', ['x'], 'q=1', 'http://h', '/api/x?q=1'],
  ] as const)('%s + %j + query %j → %s %s', (base, segments, rawQuery, origin, requestTarget) => {
    expect(joinUpstreamTarget(base, segments, rawQuery)).toEqual({ origin, requestTarget });
  });

  it('the target always has exactly one slash between prefix and first segment', () => {
    for (const base of ['http://h', 'http://h/', 'http://h/p', 'http://h/p/', 'http://h/p//']) {
      const { requestTarget } = joinUpstreamTarget(base, ['seg'], undefined);
      expect(requestTarget).not.toMatch(/\/\//);
      expect(requestTarget.endsWith('/seg')).toBe(true);
    }
  });

  it('refuses a base that is not an http(s) URL without quoting it (it may hold userinfo)', () => {
    expect(() => joinUpstreamTarget('ftp://user:secret@h/x', ['a'], undefined)).toThrow(/^the upstream base is not an http\(s\) URL$/);
  });
});

import { isHttpUrl, parseHttpBase } from '../../../src/core/http-url.js';

describe('isHttpUrl', () => {
  it.each([
    // accepted: absolute http(s) with a host
    ['http://h', true],
    ['https://api.github.com', true],
    ['https://host/gitlab', true],
    ['https://host/gitlab/', true],
    ['http://10.0.0.1:8080', true],
    ['http://[::1]:9443/x', true],
    ['https://user:pass@host/p?q=1#f', true],
    ['http://git.default.svc.cluster.local', true],
    ['HTTPS://HOST', true],
    // rejected: other schemes
    ['ftp://x', false],
    ['file:///etc/passwd', false],
    ['ssh://git@github.com', false],
    ['ws://h', false],
    ['mailto:a@b.c', false],
    ['javascript:alert(1)', false],
    // rejected: not absolute, no host, not a URL
    ['', false],
    ['not a url', false],
    ['github.com', false],
    ['//github.com/x', false],
    ['/api/v4', false],
    ['http://', false],
    ['https://', false],
    ['http://a b', false],
    ['http://h:99999', false],
  ] as const)('%j → %s', (value, expected) => {
    expect(isHttpUrl(value)).toBe(expected);
  });
});

describe('isHttpUrl refuses what URL parsing would forgive', () => {
  it.each(['http:foo', 'http:/foo', 'http:\\\\h', ' http://h', 'http://h ', 'http://h\n', 'http:///h'])('%j → false', (value) => {
    expect(isHttpUrl(value)).toBe(false);
  });
});

describe('parseHttpBase', () => {
  it.each([
    ['http://h', 'http://h', ''],
    ['https://host/gitlab/', 'https://host', '/gitlab'],
    ['http://[::1]:9443/x//', 'http://[::1]:9443', '/x'],
    ['HTTPS://HOST:443/A', 'https://host', '/A'],
    ['https://user:pass@host/p?q=1#f', 'https://host', '/p'],
  ] as const)('%j → origin %j, prefix %j', (value, origin, pathPrefix) => {
    expect(parseHttpBase(value)).toEqual({ origin, pathPrefix });
  });

  it('answers a repeated base from its memo, refusals included, with the same answer each time', () => {
    const first = parseHttpBase('http://memo.example:8080/api/');
    expect(parseHttpBase('http://memo.example:8080/api/')).toBe(first);
    for (let i = 0; i < 3; i++) expect(parseHttpBase('http:foo')).toBeUndefined();
  });

  it('stays correct past its bound: more distinct bases than it keeps', () => {
    for (let i = 0; i < 1500; i++) expect(parseHttpBase(`http://h${i}.example/p${i}/`)).toEqual({ origin: `http://h${i}.example`, pathPrefix: `/p${i}` });
    expect(parseHttpBase('http://h0.example/p0/')).toEqual({ origin: 'http://h0.example', pathPrefix: '/p0' });
  });
});

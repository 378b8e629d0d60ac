import { isHttpUrl } from '../../../src/core/http-url.js';

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

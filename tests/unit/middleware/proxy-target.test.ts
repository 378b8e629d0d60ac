import { proxyTarget } from '../../../src/middleware/upstream-proxy.js';

// http-proxy reads these fields of a url.parse result: host (with port) for the Host header under changeOrigin,
// hostname (no IPv6 brackets) to connect, port ('' → the scheme's default), protocol for http vs https.
describe('proxyTarget', () => {
  it.each([
    ['http://127.0.0.1:8080', { protocol: 'http:', host: '127.0.0.1:8080', hostname: '127.0.0.1', port: '8080' }],
    ['http://[::1]:9443', { protocol: 'http:', host: '[::1]:9443', hostname: '::1', port: '9443' }],
    ['https://git.example.com', { protocol: 'https:', host: 'git.example.com', hostname: 'git.example.com', port: '' }],
    ['http://api.team-a.svc.cluster.local', { protocol: 'http:', host: 'api.team-a.svc.cluster.local', hostname: 'api.team-a.svc.cluster.local', port: '' }],
  ] as const)('%s', (origin, expected) => {
    expect(proxyTarget({ origin, requestTarget: '/x' })).toEqual(expected);
  });

  it('builds an origin’s target once, and gives a CA pool its own copy', () => {
    const plain = proxyTarget({ origin: 'https://ca.example:8443', requestTarget: '/a' });
    expect(proxyTarget({ origin: 'https://ca.example:8443', requestTarget: '/b' })).toBe(plain);
    const ca = ['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'];
    const withCa = proxyTarget({ origin: 'https://ca.example:8443', requestTarget: '/a', ca });
    expect(withCa).toEqual({ ...plain, ca });
    expect(withCa.ca).not.toBe(ca);
    expect(plain).not.toHaveProperty('ca');
  });
});

import type { IncomingHttpHeaders } from 'node:http';
import { CLIENT_HEADERS_NEVER_FORWARDED, UPSTREAM_RESPONSE_HEADERS_NOT_RELAYED, upstreamRequestHeaders } from '../../../src/core/header-policy.js';

const sanitised = (headers: IncomingHttpHeaders): IncomingHttpHeaders => upstreamRequestHeaders(headers);

const ORDINARY: IncomingHttpHeaders = {
  accept: 'application/json',
  'content-type': 'application/json',
  'content-length': '12',
  'user-agent': 'curl/8',
  'x-request-id': 'abc',
  'accept-encoding': 'gzip',
  'if-none-match': '"etag"',
  host: 'connectors-api',
};

describe('upstreamRequestHeaders', () => {
  it.each([
    ['authorization', 'Bearer abc'],
    ['proxy-authorization', 'Basic Zm9v'],
    ['cookie', 'session=1'],
    ['x-plugin-meta', 'e30='],
    ['x-plugin-auth', 'T3BhcXVl'],
    ['x-plugin-secret', 'e30='],
    ['x-plugin-anything', '1'],
    ['impersonate-user', 'admin'],
    ['impersonate-group', 'system:masters'],
    ['impersonate-uid', '1'],
    ['impersonate-extra-scopes', 'x'],
    ['x-remote-user', 'admin'],
    ['x-remote-group', 'system:masters'],
    ['x-remote-extra-foo', 'bar'],
    ['forwarded', 'for=1.2.3.4'],
    ['x-forwarded-for', '1.2.3.4'],
    ['x-forwarded-host', 'evil'],
    ['x-forwarded-proto', 'https'],
    ['x-real-ip', '1.2.3.4'],
    ['expect', '100-continue'],
    ['connection', 'close'],
    ['keep-alive', 'timeout=5'],
    ['proxy-connection', 'keep-alive'],
    ['te', 'trailers'],
    ['trailer', 'x-checksum'],
    ['upgrade', 'websocket'],
  ])('%s is removed, ordinary headers are kept', (name, value) => {
    expect(sanitised({ ...ORDINARY, [name]: value })).toEqual(ORDINARY);
  });

  it.each([
    ['close, X-Custom-Hop', ['x-custom-hop']],
    ['keep-alive,x-a , X-B', ['x-a', 'x-b']],
    ['Upgrade', []],
    ['', []],
  ])('Connection: %j also removes %j', (connection, listed) => {
    const input: IncomingHttpHeaders = { ...ORDINARY, connection, 'x-custom-hop': '1', 'x-a': '1', 'x-b': '1', 'x-kept': '1' };
    const result = sanitised(input);
    for (const name of listed) expect(result).not.toHaveProperty(name);
    expect(result).not.toHaveProperty('connection');
    expect(result).toMatchObject({ ...ORDINARY, 'x-kept': '1' });
  });

  it('removes every header of the policy at once and keeps the ordinary ones', () => {
    const input: IncomingHttpHeaders = { ...ORDINARY };
    for (const rule of CLIENT_HEADERS_NEVER_FORWARDED) {
      const name = typeof rule === 'string' ? rule : `${rule.source.replace(/^\^/, '')}probe`;
      input[name] = 'v';
    }
    expect(upstreamRequestHeaders(input)).toEqual(ORDINARY);
  });

  it('returns a new object with the injected headers added, and leaves the client\'s as it was', () => {
    const headers: IncomingHttpHeaders = { authorization: 'Bearer x', accept: '*/*', 'x-plugin-meta': 'spoofed' };
    const before = { ...headers };
    const injected = { 'x-plugin-meta': 'ours', authorization: 'Basic dTpw' };
    expect(upstreamRequestHeaders(headers, injected)).toEqual({ accept: '*/*', ...injected });
    expect(headers).toEqual(before);
  });

  it.each([['x-pluginmeta'], ['my-authorization'], ['x-forwarded'], ['impersonated']])('%s does not match a rule and is kept', (name) => {
    expect(sanitised({ [name]: 'v' })).toEqual({ [name]: 'v' });
  });

  it('lists the response headers that are never relayed: hop-by-hop ones and our own X-Request-Id', () => {
    expect([...UPSTREAM_RESPONSE_HEADERS_NOT_RELAYED].sort()).toEqual(
      ['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'x-request-id'].sort(),
    );
  });
});

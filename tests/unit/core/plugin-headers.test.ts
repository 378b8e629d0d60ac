import { buildPluginHeaders, encodePluginAuth, PLUGIN_AUTH, PLUGIN_META, PLUGIN_SECRET } from '../../../src/core/plugin-headers.js';
import type { Secret } from '../../../src/core/types.js';

const decode = (b64: string): string => Buffer.from(b64, 'base64').toString('utf8');
const secret = (type: string | undefined, data?: Record<string, string>): Secret => ({
  metadata: { name: 's', namespace: 'ns' },
  ...(type === undefined ? {} : { type }),
  ...(data === undefined ? {} : { data }),
});

describe('buildPluginHeaders', () => {
  it.each([
    ['http://github.com', 'eyJiYXNlVVJMIjoiaHR0cDovL2dpdGh1Yi5jb20ifQ=='],
    ['https://gitlab.example.com/group', Buffer.from('{"baseURL":"https://gitlab.example.com/group"}').toString('base64')],
    ['', Buffer.from('{"baseURL":""}').toString('base64')],
  ])('address %j → x-plugin-meta %s', (address, meta) => {
    expect(buildPluginHeaders({ address, secret: undefined, authEncoding: 'base64' })[PLUGIN_META]).toBe(meta);
  });

  it.each([['base64' as const], ['raw' as const]])('without a Secret only x-plugin-meta is sent (%s)', (authEncoding) => {
    expect(buildPluginHeaders({ address: 'http://github.com', secret: undefined, authEncoding })).toEqual({
      'x-plugin-meta': 'eyJiYXNlVVJMIjoiaHR0cDovL2dpdGh1Yi5jb20ifQ==',
    });
  });

  it('the spec example: basic-auth Secret → the three headers, secret keys sorted, values still base64', () => {
    const headers = buildPluginHeaders({
      address: 'http://github.com',
      secret: secret('kubernetes.io/basic-auth', { username: 'YWRtaW4=', password: 'c2VjcmV0' }),
      authEncoding: 'base64',
    });
    expect(headers).toEqual({
      'x-plugin-meta': 'eyJiYXNlVVJMIjoiaHR0cDovL2dpdGh1Yi5jb20ifQ==',
      'x-plugin-auth': 'a3ViZXJuZXRlcy5pby9iYXNpYy1hdXRo',
      'x-plugin-secret': Buffer.from('{"password":"c2VjcmV0","username":"YWRtaW4="}').toString('base64'),
    });
    expect(decode(headers[PLUGIN_SECRET] as string)).toBe('{"password":"c2VjcmV0","username":"YWRtaW4="}');
  });

  it.each([
    ['kubernetes.io/basic-auth', 'base64', 'a3ViZXJuZXRlcy5pby9iYXNpYy1hdXRo'],
    ['kubernetes.io/basic-auth', 'raw', 'kubernetes.io/basic-auth'],
    ['connectors.cpaas.io/bearer-token', 'base64', Buffer.from('connectors.cpaas.io/bearer-token').toString('base64')],
    ['connectors.cpaas.io/bearer-token', 'raw', 'connectors.cpaas.io/bearer-token'],
    [undefined, 'base64', 'T3BhcXVl'],
    [undefined, 'raw', 'Opaque'],
    ['', 'base64', 'T3BhcXVl'],
    ['', 'raw', 'Opaque'],
  ] as const)('Secret type %j with %s encoding → x-plugin-auth %s', (type, authEncoding, auth) => {
    expect(buildPluginHeaders({ address: 'a', secret: secret(type, { token: 'dA==' }), authEncoding })[PLUGIN_AUTH]).toBe(auth);
  });

  it.each([
    [{ username: 'YWRtaW4=', password: 'c2VjcmV0' }, '{"password":"c2VjcmV0","username":"YWRtaW4="}'],
    [{ token: 'dG9r' }, '{"token":"dG9r"}'],
    [{ b: '1', a: '2', C: '3', _: '4' }, '{"C":"3","_":"4","a":"2","b":"1"}'],
    [{}, '{}'],
    [undefined, '{}'],
  ])('Secret data %j → x-plugin-secret decodes to %s', (data, json) => {
    const headers = buildPluginHeaders({ address: 'a', secret: secret('Opaque', data), authEncoding: 'raw' });
    expect(decode(headers[PLUGIN_SECRET] as string)).toBe(json);
  });

  it('the X-Plugin-Secret encoding does not depend on the auth encoding', () => {
    const s = secret('Opaque', { token: 'dG9r' });
    expect(buildPluginHeaders({ address: 'a', secret: s, authEncoding: 'raw' })[PLUGIN_SECRET]).toBe(
      buildPluginHeaders({ address: 'a', secret: s, authEncoding: 'base64' })[PLUGIN_SECRET],
    );
  });

  it('header names are lower-case', () => {
    expect([PLUGIN_META, PLUGIN_AUTH, PLUGIN_SECRET]).toEqual(['x-plugin-meta', 'x-plugin-auth', 'x-plugin-secret']);
  });
});

describe('encodePluginAuth', () => {
  it.each([
    ['kubernetes.io/basic-auth', 'base64', 'a3ViZXJuZXRlcy5pby9iYXNpYy1hdXRo'],
    ['kubernetes.io/basic-auth', 'raw', 'kubernetes.io/basic-auth'],
    ['Opaque', 'base64', 'T3BhcXVl'],
    ['Opaque', 'raw', 'Opaque'],
    ['kubernetes.io/ssh-auth', 'raw', 'kubernetes.io/ssh-auth'],
  ] as const)('%s (%s) → %s', (type, encoding, expected) => {
    expect(encodePluginAuth(type, encoding)).toBe(expected);
  });
});

import { StatusError } from '../../../src/errors.js';
import { resolveToolBase, toolAuthorization } from '../../../src/core/tool-credentials.js';
import type { Secret } from '../../../src/core/types.js';

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const unb64 = (s: string): string => Buffer.from(s, 'base64').toString('utf8');

function secret(type: string | undefined, data: Record<string, string> | undefined): Secret {
  return {
    metadata: { name: 'tool-secret', namespace: 'default' },
    ...(type === undefined ? {} : { type }),
    ...(data === undefined ? {} : { data }),
  };
}

/** base64-encodes every value, as the API serves Secret data. */
function encoded(plain: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(plain).map(([k, v]) => [k, b64(v)]));
}

function thrown(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StatusError);
    return e as StatusError;
  }
  throw new Error('expected a StatusError, nothing was thrown');
}

const WHERE = 'connector default/gitlab';

describe('toolAuthorization', () => {
  it('no Secret → no Authorization header', () => {
    expect(toolAuthorization(undefined, WHERE)).toBeUndefined();
  });

  describe('username + password → Basic', () => {
    it.each([
      ['kubernetes.io/basic-auth', 'kubernetes.io/basic-auth', 'alice', 's3cret'],
      ['password containing ":"', 'kubernetes.io/basic-auth', 'alice', 'pa:ss:word'],
      ['UTF-8 username and password', 'kubernetes.io/basic-auth', 'jürgen', 'пароль✓密码'],
      ['empty password', 'kubernetes.io/basic-auth', 'alice', ''],
      ['Opaque holding username + password', 'Opaque', 'bob', 'hunter2'],
      ['no type holding username + password', undefined, 'bob', 'hunter2'],
      ['a custom type holding username + password', 'connectors.cpaas.io/oauth2', 'bob', 'hunter2'],
      ['bearer-token type that also holds username + password', 'connectors.cpaas.io/bearer-token', 'carol', 'pw'],
    ] as const)('%s', (_label, type, username, password) => {
      const header = toolAuthorization(secret(type, encoded({ username, password })), WHERE);
      expect(header).toBeDefined();
      const [scheme, credentials, ...rest] = (header as string).split(' ');
      expect(scheme).toBe('Basic');
      expect(rest).toEqual([]);
      expect(unb64(credentials as string)).toBe(`${username}:${password}`);
      expect(header).toBe(`Basic ${b64(`${username}:${password}`)}`);
    });

    it('username/password take precedence over a token in the same Secret', () => {
      const header = toolAuthorization(secret('Opaque', encoded({ username: 'u', password: 'p', token: 't' })), WHERE);
      expect(header).toBe(`Basic ${b64('u:p')}`);
    });

    it('the username is split at the first ":" when decoded', () => {
      const header = toolAuthorization(secret('kubernetes.io/basic-auth', encoded({ username: 'root', password: 'a:b' })), WHERE) as string;
      const decoded = unb64(header.slice('Basic '.length));
      const i = decoded.indexOf(':');
      expect([decoded.slice(0, i), decoded.slice(i + 1)]).toEqual(['root', 'a:b']);
    });
  });

  describe('token → Bearer', () => {
    it.each([
      ['connectors.cpaas.io/bearer-token', 'connectors.cpaas.io/bearer-token', 'glpat-abc123', 'glpat-abc123'],
      ['connectors.cpaas.io/gitlab-pat-auth', 'connectors.cpaas.io/gitlab-pat-auth', 'glpat-xyz', 'glpat-xyz'],
      ['Opaque with token', 'Opaque', 'opaque-token', 'opaque-token'],
      ['no type with token', undefined, 'untyped', 'untyped'],
      ['trailing newline trimmed', 'connectors.cpaas.io/bearer-token', 'ghp_abc\n', 'ghp_abc'],
      ['trailing CRLF trimmed', 'connectors.cpaas.io/bearer-token', 'ghp_abc\r\n', 'ghp_abc'],
      ['surrounding spaces trimmed', 'Opaque', '  tok  ', 'tok'],
      ['token with base64-looking characters kept', 'Opaque', 'a+b/c=', 'a+b/c='],
      ['UTF-8 token decoded', 'Opaque', 'tøken', 'tøken'],
    ] as const)('%s', (_label, type, token, expected) => {
      expect(toolAuthorization(secret(type, encoded({ token })), WHERE)).toBe(`Bearer ${expected}`);
    });

    it.each([
      ['a username without a password', { username: 'u', token: 't' }],
      ['a password without a username', { password: 'p', token: 't' }],
    ] as const)('a token next to %s → Bearer', (_label, plain) => {
      expect(toolAuthorization(secret('Opaque', encoded(plain)), WHERE)).toBe('Bearer t');
    });
  });

  describe('Secrets that cannot authenticate HTTP → 400', () => {
    const SECRET_VALUES = ['-----BEGIN OPENSSH PRIVATE KEY-----', 'supersecretvalue', 'lonely-user', 'lonely-pass'];

    it.each([
      ['kubernetes.io/ssh-auth', secret('kubernetes.io/ssh-auth', encoded({ 'ssh-privatekey': SECRET_VALUES[0] as string }))],
      ['kubernetes.io/ssh-auth even with username/password', secret('kubernetes.io/ssh-auth', encoded({ username: 'git', password: SECRET_VALUES[1] as string }))],
      ['kubernetes.io/ssh-auth even with a token', secret('kubernetes.io/ssh-auth', encoded({ token: SECRET_VALUES[1] as string }))],
      ['Opaque with unrelated keys', secret('Opaque', encoded({ apiKey: SECRET_VALUES[1] as string }))],
      ['only a username', secret('kubernetes.io/basic-auth', encoded({ username: SECRET_VALUES[2] as string }))],
      ['only a password', secret('kubernetes.io/basic-auth', encoded({ password: SECRET_VALUES[3] as string }))],
      ['empty data', secret('connectors.cpaas.io/bearer-token', {})],
      ['no data', secret('Opaque', undefined)],
      ['no type, no data', secret(undefined, undefined)],
    ] as const)('%s', (_label, s) => {
      const err = thrown(() => toolAuthorization(s, WHERE));
      expect(err.code).toBe(400);
      expect(err.reason).toBe('BadRequest');
      expect(err.message).toContain(WHERE);
      for (const value of [...SECRET_VALUES, ...Object.values(s.data ?? {})]) {
        expect(err.message).not.toContain(value);
      }
    });

    it('the ssh-auth message names the type', () => {
      const err = thrown(() => toolAuthorization(secret('kubernetes.io/ssh-auth', encoded({ 'ssh-privatekey': 'k' })), WHERE));
      expect(err.message).toContain('kubernetes.io/ssh-auth');
    });
  });
});

describe('resolveToolBase', () => {
  const EXT = [
    { name: 'api', value: 'https://api.github.com' },
    { name: 'registry', value: 'https://registry.example.com:5000/v2' },
    { name: 'broken', value: 'not a url' },
  ];

  it.each([
    // [label, address, extensions, openapiAddress, expected]
    ['no openapiAddress → spec.address', 'https://github.com', EXT, undefined, 'https://github.com'],
    ['spec.address path prefix kept', 'https://host/gitlab', EXT, undefined, 'https://host/gitlab'],
    ['spec.address trailing slash kept', 'https://host/gitlab/', undefined, undefined, 'https://host/gitlab/'],
    ['spec.address http with port', 'http://10.0.0.1:8080', [], undefined, 'http://10.0.0.1:8080'],
    ['extension name → its value', 'https://github.com', EXT, 'api', 'https://api.github.com'],
    ['extension value with port and prefix', 'https://github.com', EXT, 'registry', 'https://registry.example.com:5000/v2'],
    ['extension lookup does not need a valid spec.address', undefined, EXT, 'api', 'https://api.github.com'],
    ['full https URL used as is', 'https://github.com', EXT, 'https://uploads.github.com/prefix', 'https://uploads.github.com/prefix'],
    ['full http URL used as is', 'https://github.com', undefined, 'http://internal.svc:8080', 'http://internal.svc:8080'],
    ['full URL used even without extensions or address', undefined, undefined, 'https://api.github.com', 'https://api.github.com'],
  ] as const)('%s', (_label, address, extensions, openapiAddress, expected) => {
    expect(resolveToolBase(address, extensions, openapiAddress, WHERE)).toBe(expected);
  });

  it.each([
    // [label, address, extensions, openapiAddress, text the message must contain]
    ['missing spec.address', undefined, EXT, undefined, 'spec.address'],
    ['empty spec.address', '', EXT, undefined, 'spec.address'],
    ['spec.address not a URL', 'github.com', EXT, undefined, 'spec.address'],
    ['spec.address with another scheme', 'ssh://git@github.com', EXT, undefined, 'spec.address'],
    ['unknown extension name', 'https://github.com', EXT, 'uploads', 'uploads'],
    ['extension name with no extensions', 'https://github.com', undefined, 'api', 'api'],
    ['extension name with an empty list', 'https://github.com', [], 'api', 'api'],
    ['extension names are case-sensitive', 'https://github.com', EXT, 'API', 'API'],
    ['extension with an invalid value', 'https://github.com', EXT, 'broken', 'broken'],
    ['ftp URL', 'https://github.com', EXT, 'ftp://x', 'ftp://x'],
    ['not a url', 'https://github.com', EXT, 'not a url', 'not a url'],
    ['file URL', 'https://github.com', EXT, 'file:///etc/passwd', 'file:///etc/passwd'],
  ] as const)('%s → 400', (_label, address, extensions, openapiAddress, mentions) => {
    const err = thrown(() => resolveToolBase(address, extensions, openapiAddress, WHERE));
    expect(err.code).toBe(400);
    expect(err.reason).toBe('BadRequest');
    expect(err.message).toContain(WHERE);
    expect(err.message).toContain(mentions);
  });
});

describe('edge cases decided after review', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  it.each([[''], ['\n'], ['   ']])('refuses a token Secret whose token is blank (%j) with 400', (token) => {
    expect(() => toolAuthorization({ metadata: { name: 's' }, type: 'Opaque', data: { token: b64(token) } }, 'connector x')).toThrow(
      expect.objectContaining({ code: 400 }),
    );
  });
  it('treats an empty x-openapi-address like an absent one: spec.address', () => {
    expect(resolveToolBase('https://tool.example.com/prefix', [], '', 'connector x')).toBe('https://tool.example.com/prefix');
  });
});

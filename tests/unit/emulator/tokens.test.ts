import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { API_AUDIENCES, parseTokenCsv, SA_ISSUER, TokenAuthenticator } from '../../../emulator/tokens.js';

describe('parseTokenCsv (--token-auth-file format)', () => {
  it.each<[string, string, ReturnType<typeof parseTokenCsv>]>([
    ['three columns', 't1,alice,uid-1', [{ token: 't1', user: 'alice', uid: 'uid-1', groups: [] }]],
    ['one group', 't1,alice,uid-1,dev', [{ token: 't1', user: 'alice', uid: 'uid-1', groups: ['dev'] }]],
    ['quoted groups with commas', 't1,alice,uid-1,"dev,ops"', [{ token: 't1', user: 'alice', uid: 'uid-1', groups: ['dev', 'ops'] }]],
    ['quoted fields and escaped quotes', '"t,1","a ""b""",u', [{ token: 't,1', user: 'a "b"', uid: 'u', groups: [] }]],
    ['empty uid', 't1,alice,', [{ token: 't1', user: 'alice', uid: '', groups: [] }]],
    ['blank lines, comments and CRLF', '\r\n# comment\r\nt1,alice,u1\r\n\r\nt2,bob,u2,"g1, g2"\r\n', [
      { token: 't1', user: 'alice', uid: 'u1', groups: [] },
      { token: 't2', user: 'bob', uid: 'u2', groups: ['g1', 'g2'] },
    ]],
    ['empty token skipped', ',alice,u1', []],
  ])('%s', (_name, text, expected) => {
    expect(parseTokenCsv(text)).toEqual(expected);
  });

  it('rejects records with fewer than 3 columns, like the apiserver', () => {
    expect(() => parseTokenCsv('t1,alice', 'x.csv')).toThrow(
      "token file 'x.csv' must have at least 3 columns (token, user name, user uid), found 2",
    );
  });
});

describe('TokenAuthenticator', () => {
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const authn = new TokenAuthenticator({
    staticTokens: [{ token: 'static-1', user: 'alice', uid: 'u-a', groups: ['dev'] }, { token: 'static-2', user: 'bob' }],
    signingKey,
  });

  it('authenticates a static token and adds system:authenticated', () => {
    expect(authn.authenticate('static-1')).toEqual({
      user: { username: 'alice', uid: 'u-a', groups: ['dev', 'system:authenticated'] },
      audiences: [...API_AUDIENCES],
    });
    expect(authn.authenticate('static-2').user).toEqual({ username: 'bob', groups: ['system:authenticated'] });
  });

  it('does not authenticate a static token for audiences other than the API audiences', () => {
    expect(authn.authenticate('static-1', ['vault'])).toEqual({});
  });

  it('authenticates an issued service-account token with the service-account groups', () => {
    const token = authn.issue('team-a', 'builder', 'sa-uid');
    const result = authn.authenticate(token);
    expect(result.user).toMatchObject({
      username: 'system:serviceaccount:team-a:builder',
      uid: 'sa-uid',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:team-a', 'system:authenticated'],
    });
    expect(result.user?.extra?.['authentication.kubernetes.io/credential-id']?.[0]).toMatch(/^JTI=/);
    expect(result.audiences).toEqual([SA_ISSUER]);
  });

  it('issues RS256 tokens with the TokenRequest claims', () => {
    const token = authn.issue('team-a', 'builder', 'sa-uid', { audiences: ['a1'], expiresInSeconds: 60 });
    const decoded = jwt.decode(token, { complete: true });
    expect(decoded?.header.alg).toBe('RS256');
    const claims = decoded?.payload as Record<string, unknown>;
    expect(claims).toMatchObject({
      iss: SA_ISSUER,
      sub: 'system:serviceaccount:team-a:builder',
      aud: ['a1'],
      'kubernetes.io': { namespace: 'team-a', serviceaccount: { name: 'builder', uid: 'sa-uid' } },
    });
    expect((claims.exp as number) - (claims.iat as number)).toBe(60);
  });

  it('checks the audiences of service-account tokens', () => {
    const token = authn.issue('ns', 'sa', 'u', { audiences: ['a1', 'a2'] });
    expect(authn.authenticate(token, ['a2', 'a3']).audiences).toEqual(['a2']);
    expect(authn.authenticate(token).error).toMatch(/token audiences .* is invalid for the target audiences/);
  });

  it('rejects an expired service-account token with an error', () => {
    const token = authn.issue('ns', 'sa', 'u', { expiresInSeconds: -10 });
    expect(authn.authenticate(token)).toEqual({ error: '[invalid bearer token, service account token has expired]' });
  });

  it('rejects a token signed by another key', () => {
    const other = new TokenAuthenticator({ staticTokens: [], signingKey: generateKeyPairSync('rsa', { modulusLength: 2048 }) });
    expect(authn.authenticate(other.issue('ns', 'sa', 'u')).user).toBeUndefined();
  });

  it('has no opinion on unknown tokens', () => {
    expect(authn.authenticate('nope')).toEqual({});
    expect(authn.authenticate(jwt.sign({ iss: 'someone-else' }, 'secret'))).toEqual({});
  });
});

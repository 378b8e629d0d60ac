// Bearer token authentication: the static token file (--token-auth-file) and service-account JWTs signed by a
// key the emulator generates at start, combined like the apiserver's union token authenticator.
import { createHash, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { StaticToken, UserInfo } from './types.js';

export const SA_ISSUER = 'https://kubernetes.default.svc.cluster.local';
/** --api-audiences default: the issuer. Audience-agnostic (static) tokens are only valid for these. */
export const API_AUDIENCES: readonly string[] = [SA_ISSUER];

// encoding/csv subset: quoted fields with "" escapes, blank lines skipped
function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (ch === ',') {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields.map((f) => f.trim());
}

/** Parses a kube-apiserver token file: token,user,uid[,"group1,group2"]; throws like the apiserver on < 3 columns. */
export function parseTokenCsv(text: string, source = 'tokens.csv'): StaticToken[] {
  const tokens: StaticToken[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const record = parseCsvLine(line);
    if (record.length < 3) {
      throw new Error(`token file '${source}' must have at least 3 columns (token, user name, user uid), found ${record.length} (line ${index + 1})`);
    }
    const [token = '', user = '', uid = '', groupsField = ''] = record;
    if (token === '') return; // the apiserver skips records with an empty token
    const groups = groupsField === '' ? [] : groupsField.split(',').map((g) => g.trim()).filter((g) => g !== '');
    tokens.push({ token, user, uid, groups });
  });
  return tokens;
}

export interface IssueOptions {
  expiresInSeconds?: number;
  audiences?: string[];
}

/** What authenticating a token gives: a user (and the audiences it is valid for), or nothing (with an error or not). */
export interface AuthResult {
  user?: UserInfo;
  audiences?: string[];
  error?: string;
}

interface SaClaims {
  aud?: string | string[];
  jti?: string;
  'kubernetes.io'?: { namespace?: string; serviceaccount?: { name?: string; uid?: string } };
}

export interface TokenAuthenticatorOptions {
  readonly staticTokens: readonly StaticToken[];
  readonly signingKey: { privateKey: KeyObject; publicKey: KeyObject };
}

function intersect(a: readonly string[], b: readonly string[]): string[] {
  return a.filter((x) => b.includes(x));
}

export class TokenAuthenticator {
  private readonly byToken = new Map<string, StaticToken>();
  private readonly keyId: string;

  constructor(private readonly opts: TokenAuthenticatorOptions) {
    for (const t of opts.staticTokens) this.byToken.set(t.token, t);
    const der = opts.signingKey.publicKey.export({ type: 'spki', format: 'der' });
    this.keyId = createHash('sha256').update(der).digest('base64url');
  }

  /** An RS256 service-account token shaped like the TokenRequest API's. */
  issue(namespace: string, name: string, uid: string, opts: IssueOptions = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      aud: opts.audiences ?? [...API_AUDIENCES],
      exp: now + (opts.expiresInSeconds ?? 3600),
      iat: now,
      nbf: now,
      iss: SA_ISSUER,
      jti: randomUUID(),
      sub: `system:serviceaccount:${namespace}:${name}`,
      'kubernetes.io': { namespace, serviceaccount: { name, uid } },
    };
    return jwt.sign(claims, this.opts.signingKey.privateKey, { algorithm: 'RS256', keyid: this.keyId });
  }

  /** Authenticates a bearer token for the requested audiences (the API audiences when none are given). */
  authenticate(token: string, requestedAudiences: readonly string[] = []): AuthResult {
    const wanted = requestedAudiences.length > 0 ? requestedAudiences : API_AUDIENCES;
    const entry = this.byToken.get(token);
    if (entry) {
      const audiences = intersect(API_AUDIENCES, wanted);
      if (audiences.length === 0) return {};
      const groups = [...(entry.groups ?? [])];
      if (!groups.includes('system:authenticated')) groups.push('system:authenticated');
      const user: UserInfo = { username: entry.user, groups };
      if (entry.uid) user.uid = entry.uid;
      return { user, audiences };
    }
    return this.authenticateJwt(token, wanted);
  }

  private authenticateJwt(token: string, wanted: readonly string[]): AuthResult {
    const unverified = jwt.decode(token, { json: true });
    // not a JWT, or not one of ours: the service-account authenticator has no opinion
    if (!unverified || unverified.iss !== SA_ISSUER) return {};
    let claims: SaClaims;
    try {
      claims = jwt.verify(token, this.opts.signingKey.publicKey, { algorithms: ['RS256'] }) as SaClaims;
    } catch (err) {
      const expired = err instanceof jwt.TokenExpiredError;
      return { error: `[invalid bearer token, ${expired ? 'service account token has expired' : 'service account token is not valid'}]` };
    }
    const tokenAudiences = typeof claims.aud === 'string' ? [claims.aud] : claims.aud ?? [];
    const audiences = intersect(tokenAudiences, wanted);
    if (audiences.length === 0) {
      return { error: `[invalid bearer token, token audiences ${JSON.stringify(tokenAudiences)} is invalid for the target audiences ${JSON.stringify(wanted)}]` };
    }
    const k8s = claims['kubernetes.io'];
    const namespace = k8s?.namespace;
    const sa = k8s?.serviceaccount;
    if (!namespace || !sa?.name) return { error: '[invalid bearer token, service account token claims are incomplete]' };
    const user: UserInfo = {
      username: `system:serviceaccount:${namespace}:${sa.name}`,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
    };
    if (sa.uid) user.uid = sa.uid;
    if (claims.jti) user.extra = { 'authentication.kubernetes.io/credential-id': [`JTI=${claims.jti}`] };
    return { user, audiences };
  }
}

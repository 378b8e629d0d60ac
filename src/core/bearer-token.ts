// RFC 6750 b64token; Kubernetes tokens (JWTs, static tokens) fit it. Anything else is not a bearer token.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const MAX_TOKEN_LENGTH = 8192;

/** The token of an `Authorization: Bearer <token>` header, or undefined when the header is absent or malformed. */
export function parseBearerToken(header: string | undefined): string | undefined {
  if (header === undefined || header.length > MAX_TOKEN_LENGTH + 64) return undefined;
  const token = BEARER.exec(header)?.[1];
  return token !== undefined && token.length <= MAX_TOKEN_LENGTH ? token : undefined;
}

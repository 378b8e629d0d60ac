import { createHash } from 'node:crypto';
import jwt from 'jsonwebtoken';

/** Cache keys are hashes: a heap dump or a debug print of a cache never shows a token. */
export function hashKey(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

/** The `exp` of a JWT in epoch milliseconds, when the token is a JWT that has one (not verified: only a bound). */
export function jwtExpiryMs(token: string): number | undefined {
  const payload = jwt.decode(token, { json: true });
  return typeof payload?.exp === 'number' ? payload.exp * 1000 : undefined;
}

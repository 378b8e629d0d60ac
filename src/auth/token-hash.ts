import { hash } from 'node:crypto';
import jwt from 'jsonwebtoken';

/**
 * Cache keys are hashes: a heap dump or a debug print of a cache never shows a token. One-shot `crypto.hash`
 * (Node ≥ 20.12) costs less than half of a createHash object per call. One runs on every request (the token); an
 * identity is hashed once per review (cached-reviewers.ts accessKey).
 */
export function hashKey(text: string): string {
  return hash('sha256', text, 'base64url');
}

/** The `exp` of a JWT in epoch milliseconds, when the token is a JWT that has one (not verified: only a bound). */
export function jwtExpiryMs(token: string): number | undefined {
  const payload = jwt.decode(token, { json: true });
  return typeof payload?.exp === 'number' ? payload.exp * 1000 : undefined;
}

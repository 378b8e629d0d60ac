import type { Secret } from './types.js';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * The PEM certificates of a CA Secret (spec §8): a key counts when its name ends in .crt or .pem or its value
 * holds a PEM header; anything else (tokens, passwords) is skipped. Each certificate block is returned alone.
 */
export function certificatesInSecret(secret: Secret | undefined): string[] {
  const found: string[] = [];
  for (const [key, base64] of Object.entries(secret?.data ?? {})) {
    const value = Buffer.from(base64, 'base64').toString('utf8');
    if (!/\.(crt|pem)$/i.test(key) && !value.includes('-----BEGIN CERTIFICATE-----')) continue;
    found.push(...(value.match(PEM_CERTIFICATE) ?? []));
  }
  return found;
}

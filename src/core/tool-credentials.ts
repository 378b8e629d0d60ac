import { StatusError } from '../errors.js';
import { isHttpUrl } from './http-url.js';
import type { Secret } from './types.js';

/**
 * The Authorization header a tool receives for a Connector's Secret (decisions.md "R2 proxy dispatch"):
 * username + password (kubernetes.io/basic-auth or any Secret holding both) → Basic; a `token` key → Bearer;
 * no Secret → none. A Secret that cannot authenticate HTTP (kubernetes.io/ssh-auth, or no usable keys) → 400.
 */
export function toolAuthorization(secret: Secret | undefined, where: string): string | undefined {
  if (!secret) return undefined;
  const data = secret.data ?? {};
  if (secret.type === 'kubernetes.io/ssh-auth') {
    throw StatusError.badRequest(`secret of ${where} has type kubernetes.io/ssh-auth, which cannot authenticate HTTP requests`);
  }
  if (data.username !== undefined && data.password !== undefined) {
    return `Basic ${Buffer.from(`${decode(data.username)}:${decode(data.password)}`, 'utf8').toString('base64')}`;
  }
  const token = data.token === undefined ? '' : decode(data.token).trim();
  if (token !== '') return `Bearer ${token}`;
  throw StatusError.badRequest(`secret of ${where} (type ${secret.type ?? 'Opaque'}) has neither username/password nor token`);
}

function decode(base64: string): string {
  return Buffer.from(base64, 'base64').toString('utf8');
}

/**
 * The base URL of the tool for an operation: spec.address, or the operation's x-openapi-address (the name of an
 * addressExtensions entry, or a full http(s) URL). Anything else → 400.
 */
export function resolveToolBase(address: string | undefined, extensions: readonly { name: string; value: string }[] | undefined, openapiAddress: string | undefined, where: string): string {
  if (openapiAddress === undefined || openapiAddress === '') {
    if (!address || !isHttpUrl(address)) throw StatusError.badRequest(`${where} has no valid spec.address`);
    return address;
  }
  if (isHttpUrl(openapiAddress)) return openapiAddress;
  const extension = extensions?.find((e) => e.name === openapiAddress);
  if (extension && isHttpUrl(extension.value)) return extension.value;
  throw StatusError.badRequest(`x-openapi-address '${openapiAddress}' is neither an address extension of ${where} nor an http(s) URL`);
}

import { StatusError } from '../errors.js';

/** Longest request-target we accept; longer ones get 414 before any other work. */
export const MAX_REQUEST_TARGET_LENGTH = 8192;

/** Which of the two Connector routes a request-target is. */
export type ConnectorRoute = 'resources' | 'path';

export interface ConnectorRequestPath {
  /** R1 `…/namespaces/{ns}/connectors/{name}/resources/{resource...}` or R2 `…/{ns}/{name}/path/{api-path...}`. */
  route: ConnectorRoute;
  namespace: string;
  name: string;
  /** The resource (R1) or api-path (R2) segments exactly as the client encoded them. */
  rawSegments: string[];
  /** Everything after the first '?', byte for byte; undefined when the target had no '?'. */
  rawQuery: string | undefined;
}


const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// Decoding more rounds than this is itself suspicious (%25252e…); treat as unsafe.
const MAX_DECODE_ROUNDS = 4;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** Splits a raw request-target into path and query without decoding anything. */
export function splitRequestTarget(target: string): { rawPath: string; rawQuery: string | undefined } {
  const q = target.indexOf('?');
  return q < 0 ? { rawPath: target, rawQuery: undefined } : { rawPath: target.slice(0, q), rawQuery: target.slice(q + 1) };
}

/**
 * Parses an R1 request-target. Returns undefined when the target is not that route (the caller answers 404);
 * throws a 400/414 StatusError when it is the route but unsafe or malformed.
 */
export function parseResourceRequestPath(target: string): ConnectorRequestPath | undefined {
  checkLength(target);
  const { rawPath, rawQuery } = splitRequestTarget(target);
  // ['', 'connectors', 'v1alpha1', 'namespaces', ns, 'connectors', name, 'resources', ...resource]
  const [lead, c, v, n, rawNamespace, cs, rawName, r, ...resource] = rawPath.split('/');
  if (lead !== '' || c !== 'connectors' || v !== 'v1alpha1' || n !== 'namespaces' || cs !== 'connectors' || r !== 'resources') {
    return undefined;
  }
  return connectorPath('resources', rawNamespace, rawName, resource, rawQuery);
}

/** Parses an R2 request-target `/connectors/v1alpha1/{ns}/{name}/path/{api-path...}`, like parseResourceRequestPath. */
export function parseApiRequestPath(target: string): ConnectorRequestPath | undefined {
  checkLength(target);
  const { rawPath, rawQuery } = splitRequestTarget(target);
  const [lead, c, v, rawNamespace, rawName, p, ...apiPath] = rawPath.split('/');
  if (lead !== '' || c !== 'connectors' || v !== 'v1alpha1' || p !== 'path') return undefined;
  return connectorPath('path', rawNamespace, rawName, apiPath, rawQuery);
}

function checkLength(target: string): void {
  if (target.length > MAX_REQUEST_TARGET_LENGTH) {
    throw StatusError.uriTooLong(`request URI is longer than ${MAX_REQUEST_TARGET_LENGTH} characters`);
  }
}

function connectorPath(route: ConnectorRoute, rawNamespace: string | undefined, rawName: string | undefined, segments: string[], rawQuery: string | undefined): ConnectorRequestPath | undefined {
  if (rawNamespace === undefined || rawName === undefined || segments.length === 0) return undefined;
  if (segments.length === 1 && segments[0] === '') return undefined; // `resources/` or `path/` names nothing
  const namespace = validateNamespace(rawNamespace);
  const name = validateObjectName(rawName);
  validateResourceSegments(segments);
  return { route, namespace, name, rawSegments: segments, rawQuery };
}

export function validateNamespace(raw: string): string {
  if (raw.length > 63 || !DNS1123_LABEL.test(raw)) {
    throw StatusError.badRequest(`invalid namespace "${printable(raw)}": must be a DNS-1123 label`);
  }
  return raw;
}

export function validateObjectName(raw: string): string {
  if (raw.length > 253 || !DNS1123_SUBDOMAIN.test(raw)) {
    throw StatusError.badRequest(`invalid connector name "${printable(raw)}": must be a DNS-1123 subdomain`);
  }
  return raw;
}

/**
 * Every segment must stay inside the upstream base however many times a server decodes it: no '.' or '..'
 * component (also after %2F splits it), no backslash, no control character, no malformed escape. An empty
 * segment is allowed only as a trailing slash.
 */
export function validateResourceSegments(segments: readonly string[]): void {
  segments.forEach((segment, i) => {
    if (segment === '') {
      if (i === segments.length - 1) return;
      throw StatusError.badRequest('resource path has an empty segment');
    }
    for (const form of decodedForms(segment)) {
      if (form.includes('\\') || CONTROL_CHARACTER.test(form)) {
        throw StatusError.badRequest('resource path segment holds a backslash or a control character');
      }
      if (form.split('/').some((piece) => piece === '.' || piece === '..')) {
        throw StatusError.badRequest('resource path must not contain "." or ".." segments');
      }
    }
  });
}

const MALFORMED_ESCAPE = /%(?![0-9A-Fa-f]{2})/;

/**
 * The segment and each successive percent-decoding of it until it stops changing. Decoding is lenient (a
 * malformed escape left after some rounds stays literal, as most servers leave it) so that a trailing bad escape
 * cannot stop the rounds early and hide a deeper `%2e%2e`. Malformed escapes in what the client sent are refused.
 */
function decodedForms(segment: string): string[] {
  if (MALFORMED_ESCAPE.test(segment)) throw StatusError.badRequest('resource path has a malformed percent-encoding');
  const forms = [segment];
  let current = segment;
  for (let round = 0; round < MAX_DECODE_ROUNDS; round++) {
    const next = lenientDecode(current);
    if (next === current) return forms;
    forms.push(next);
    current = next;
  }
  if (lenientDecode(current) !== current) throw StatusError.badRequest('resource path is encoded too many times');
  return forms;
}

/**
 * Decodes every %XX run and leaves any other '%' literal. A run that is not UTF-8 (e.g. %C0%AE, an overlong '.'
 * that some servers still decode as a dot) is refused rather than guessed at.
 */
function lenientDecode(text: string): string {
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      throw StatusError.badRequest('resource path has a percent-encoding that is not UTF-8');
    }
  });
}

/** Keeps client-supplied text in an error message readable and bounded. */
function printable(raw: string): string {
  const shown = raw.length > 64 ? `${raw.slice(0, 64)}…` : raw;
  return shown.replace(/[^\x20-\x7e]/g, '?').replace(/"/g, "'");
}

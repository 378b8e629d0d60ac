import { LRUCache } from 'lru-cache';

/** An upstream base URL taken apart once: what joining a request onto it needs. */
export interface HttpBase {
  /** scheme://host[:port], as WHATWG URL serialises it. */
  readonly origin: string;
  /** The base's path without trailing slashes ('' for none), e.g. '/api'. */
  readonly pathPrefix: string;
}

// Bases come from ConnectorClasses and Connectors: few distinct values, each used on every request to it. The
// parse is memoised (it ran twice per request); the bound keeps a cluster that churns addresses from growing the
// map, and refusals are memoised too. Still a pure function: the memo only ever returns what parsing would.
const parsedBases = new LRUCache<string, HttpBase | { invalid: true }>({ max: 1024 });

/** The base when `value` is an absolute http or https URL with a host, else undefined. Memoised. */
export function parseHttpBase(value: string): HttpBase | undefined {
  let parsed = parsedBases.get(value);
  if (parsed === undefined) {
    parsed = parseUncached(value) ?? { invalid: true };
    parsedBases.set(value, parsed);
  }
  return 'invalid' in parsed ? undefined : parsed;
}

/** True for an absolute http or https URL with a host: what may be used as an upstream base. */
export function isHttpUrl(value: string): boolean {
  return parseHttpBase(value) !== undefined;
}

function parseUncached(value: string): HttpBase | undefined {
  // WHATWG URL forgives 'http:foo', 'http:\\h' and surrounding blanks; a configured base must be spelled out.
  if (!/^https?:\/\/[^\s/\\]/i.test(value) || /\s/.test(value)) return undefined;
  try {
    const url = new URL(value);
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.host === '') return undefined;
    return { origin: url.origin, pathPrefix: url.pathname.replace(/\/+$/, '') };
  } catch {
    return undefined;
  }
}

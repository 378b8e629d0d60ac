import { LRUCache } from 'lru-cache';
import type { ResourceAttributes, UserInfo } from '../core/types.js';
import type { AccessReviewer } from '../kube/access-reviewer.js';
import type { TokenReviewer } from '../kube/token-reviewer.js';
import { hashKey, jwtExpiryMs } from './token-hash.js';

export interface ReviewCacheOptions {
  readonly allowTtlMs: number;
  readonly denyTtlMs: number;
  readonly maxEntries: number;
  readonly onLookup?: (cache: 'token' | 'access', hit: boolean) => void;
}

// lru-cache's fetch() coalesces concurrent fetches of one key into one call and lets the fetch set each
// entry's TTL; a rejected fetch is not cached, so a failed review is retried by the next request.
interface Entry<V> {
  value: V;
  /** The token's own expiry (JWT exp), checked on every hit. */
  expiresAtMs?: number;
}

/** TokenReview results cached briefly by token hash; never longer than a JWT's own exp. */
export class CachingTokenReviewer implements TokenReviewer {
  private readonly cache: LRUCache<string, Entry<UserInfo | undefined>, string>;
  private readonly options: ReviewCacheOptions;

  constructor(inner: TokenReviewer, options: ReviewCacheOptions) {
    this.options = options;
    this.cache = new LRUCache<string, Entry<UserInfo | undefined>, string>({
      max: options.maxEntries,
      ttl: Math.max(options.allowTtlMs, 1),
      ttlAutopurge: false,
      fetchMethod: async (_key, _stale, { options: entryOptions, context: token }) => {
        const user = await inner.review(token);
        const expiresAtMs = jwtExpiryMs(token);
        const ttl = user ? Math.min(options.allowTtlMs, (expiresAtMs ?? Infinity) - Date.now()) : options.denyTtlMs;
        entryOptions.ttl = minimalTtl(ttl);
        return { value: user, expiresAtMs };
      },
    });
  }

  /** A fresh cached answer, with no call and no promise: `{ user }` on a hit, undefined on a miss. */
  peek(token: string): { user: UserInfo | undefined } | undefined {
    const entry = this.cache.get(hashKey(token));
    if (!entry || (entry.expiresAtMs !== undefined && entry.expiresAtMs <= Date.now())) return undefined;
    this.options.onLookup?.('token', true);
    return { user: entry.value };
  }

  async review(token: string): Promise<UserInfo | undefined> {
    const key = hashKey(token);
    this.options.onLookup?.('token', this.cache.has(key));
    const entry = await this.cache.fetch(key, { context: token });
    // An expired JWT is never accepted from the cache, whatever its entry says.
    if (entry?.expiresAtMs !== undefined && entry.expiresAtMs <= Date.now()) {
      this.cache.delete(key);
      return undefined;
    }
    return entry?.value;
  }
}

/** SubjectAccessReview decisions cached briefly by hash of (user, attributes). */
export class CachingAccessReviewer implements AccessReviewer {
  private readonly cache: LRUCache<string, Entry<boolean>, { user: UserInfo; attributes: ResourceAttributes }>;
  private readonly options: ReviewCacheOptions;

  constructor(inner: AccessReviewer, options: ReviewCacheOptions) {
    this.options = options;
    this.cache = new LRUCache<string, Entry<boolean>, { user: UserInfo; attributes: ResourceAttributes }>({
      max: options.maxEntries,
      ttl: Math.max(options.allowTtlMs, 1),
      fetchMethod: async (_key, _stale, { options: entryOptions, context }) => {
        const allowed = await inner.review(context.user, context.attributes);
        entryOptions.ttl = minimalTtl(allowed ? options.allowTtlMs : options.denyTtlMs);
        return { value: allowed };
      },
    });
  }

  /** A fresh cached decision, with no call and no promise; undefined on a miss. */
  peek(user: UserInfo, attributes: ResourceAttributes): boolean | undefined {
    const entry = this.cache.get(accessKey(user, attributes));
    if (!entry) return undefined;
    this.options.onLookup?.('access', true);
    return entry.value;
  }

  async review(user: UserInfo, attributes: ResourceAttributes): Promise<boolean> {
    const key = accessKey(user, attributes);
    this.options.onLookup?.('access', this.cache.has(key));
    const entry = await this.cache.fetch(key, { context: { user, attributes } });
    return entry?.value === true;
  }
}

// The identity part of access keys, per UserInfo object: a token-cache hit hands out the same object every time, so
// the identity is serialised and hashed once per review rather than on every request.
const identityDigests = new WeakMap<UserInfo, string>();

/**
 * The identity hashed (decisions.md: cache keys are hashes), then the attributes as JSON: they only name what the
 * request path already shows (verb, resource, namespace, Connector), and JSON keeps the key unambiguous.
 */
export function accessKey(user: UserInfo, attributes: ResourceAttributes): string {
  let identity = identityDigests.get(user);
  if (identity === undefined) {
    identity = hashKey(JSON.stringify([user.username, user.uid, user.groups, user.extra]));
    identityDigests.set(user, identity);
  }
  return `${identity}:${JSON.stringify(attributes)}`;
}

// lru-cache reads a TTL of 0 as "forever"; 1 ms is the shortest real one (a TTL of 0 disables caching here).
function minimalTtl(ttlMs: number): number {
  return Math.max(1, Math.floor(ttlMs));
}

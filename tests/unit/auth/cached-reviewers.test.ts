import jwt from 'jsonwebtoken';
import { accessKey, CachingAccessReviewer, CachingTokenReviewer, type ReviewCacheOptions } from '../../../src/auth/cached-reviewers.js';
import type { ResourceAttributes, UserInfo } from '../../../src/core/types.js';
import type { AccessReviewer } from '../../../src/kube/access-reviewer.js';
import type { TokenReviewer } from '../../../src/kube/token-reviewer.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Deferred {
  promise: Promise<void>;
  release(): void;
}
function deferred(): Deferred {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { promise, release };
}

const ALICE: UserInfo = { username: 'alice', uid: 'u-1', groups: ['dev'], extra: { scopes: ['a'] } };

/** Hand-written TokenReviewer: answers from a table, counts calls, may wait on a gate or fail on demand. */
class FakeTokenReviewer implements TokenReviewer {
  readonly calls: string[] = [];
  gate: Promise<void> | undefined;
  failNext = 0;

  constructor(private readonly users: Record<string, UserInfo>) {}

  async review(token: string): Promise<UserInfo | undefined> {
    this.calls.push(token);
    if (this.gate) await this.gate;
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('TokenReview could not be made');
    }
    return this.users[token];
  }
}

/** Hand-written AccessReviewer: allows what `allow` says, counts calls, may wait on a gate or fail on demand. */
class FakeAccessReviewer implements AccessReviewer {
  readonly calls: { user: UserInfo; attributes: ResourceAttributes }[] = [];
  gate: Promise<void> | undefined;
  failNext = 0;

  constructor(private readonly allow: (user: UserInfo, attributes: ResourceAttributes) => boolean) {}

  async review(user: UserInfo, attributes: ResourceAttributes): Promise<boolean> {
    this.calls.push({ user, attributes });
    if (this.gate) await this.gate;
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('SubjectAccessReview could not be made');
    }
    return this.allow(user, attributes);
  }
}

const ALLOW_TTL = 400;
const DENY_TTL = 40;
const lookups: boolean[] = [];
const options = (overrides: Partial<ReviewCacheOptions> = {}): ReviewCacheOptions => ({
  allowTtlMs: ALLOW_TTL,
  denyTtlMs: DENY_TTL,
  maxEntries: 100,
  onLookup: (_cache, hit) => lookups.push(hit),
  ...overrides,
});

beforeEach(() => {
  lookups.length = 0;
});

/** A JWT whose exp (whole seconds) lies between 150 ms and about 1.15 s from now. */
function soonExpiringJwt(): { token: string; expiresAtMs: number } {
  let exp = Math.floor(Date.now() / 1000) + 1;
  if (exp * 1000 - Date.now() < 150) exp += 1;
  return { token: jwt.sign({ sub: 'alice', exp }, 'any-secret', { algorithm: 'HS256' }), expiresAtMs: exp * 1000 };
}

describe('CachingTokenReviewer', () => {
  it.each([
    ['an authenticated token', 'good', ALICE],
    ['an unauthenticated token', 'bad', undefined],
  ])('%s: a second review within the TTL answers from the cache', async (_label, token, expected) => {
    const inner = new FakeTokenReviewer({ good: ALICE });
    const reviewer = new CachingTokenReviewer(inner, options());
    expect(await reviewer.review(token)).toEqual(expected);
    expect(await reviewer.review(token)).toEqual(expected);
    expect(inner.calls).toEqual([token]);
    expect(lookups).toEqual([false, true]);
  });

  it('a denial is kept for denyTtlMs, an allowance for allowTtlMs', async () => {
    const inner = new FakeTokenReviewer({ good: ALICE });
    const reviewer = new CachingTokenReviewer(inner, options());
    await reviewer.review('good');
    await reviewer.review('bad');
    await sleep(DENY_TTL + 80);
    await reviewer.review('good'); // still within ALLOW_TTL
    await reviewer.review('bad'); // DENY_TTL has passed
    expect(inner.calls).toEqual(['good', 'bad', 'bad']);
    await sleep(ALLOW_TTL);
    expect(await reviewer.review('good')).toEqual(ALICE);
    expect(inner.calls).toEqual(['good', 'bad', 'bad', 'good']);
  });

  it('concurrent reviews of one token make one inner call and all get its answer', async () => {
    const inner = new FakeTokenReviewer({ good: ALICE });
    const gate = deferred();
    inner.gate = gate.promise;
    const reviewer = new CachingTokenReviewer(inner, options());
    const pending = [1, 2, 3, 4, 5].map(() => reviewer.review('good'));
    const other = reviewer.review('bad');
    gate.release();
    expect(await Promise.all(pending)).toEqual([ALICE, ALICE, ALICE, ALICE, ALICE]);
    expect(await other).toBeUndefined();
    expect(inner.calls).toEqual(['good', 'bad']);
  });

  it('a review that could not be made is not cached: every waiting caller gets the error, the next call retries', async () => {
    const inner = new FakeTokenReviewer({ good: ALICE });
    const gate = deferred();
    inner.gate = gate.promise;
    inner.failNext = 1;
    const reviewer = new CachingTokenReviewer(inner, options());
    const pending = [reviewer.review('good'), reviewer.review('good')];
    gate.release();
    for (const p of pending) await expect(p).rejects.toThrow('TokenReview could not be made');
    expect(await reviewer.review('good')).toEqual(ALICE);
    expect(inner.calls).toEqual(['good', 'good']);
  });

  it.each([
    ['expired a minute ago', -60],
    ['expiring this very second', 0],
  ])('a JWT %s is refused even though the inner review accepts it', async (_label, offsetSeconds) => {
    const token = jwt.sign({ sub: 'alice', exp: Math.floor(Date.now() / 1000) + offsetSeconds }, 'any-secret', { algorithm: 'HS256' });
    const inner = new FakeTokenReviewer({ [token]: ALICE });
    const reviewer = new CachingTokenReviewer(inner, options({ allowTtlMs: 60_000 }));
    expect(await reviewer.review(token)).toBeUndefined();
    expect(await reviewer.review(token)).toBeUndefined();
  });

  it('a cached JWT identity ends at the token\'s exp, however long allowTtlMs is', async () => {
    const { token, expiresAtMs } = soonExpiringJwt();
    const inner = new FakeTokenReviewer({ [token]: ALICE });
    const reviewer = new CachingTokenReviewer(inner, options({ allowTtlMs: 60_000 }));
    expect(await reviewer.review(token)).toEqual(ALICE);
    expect(await reviewer.review(token)).toEqual(ALICE);
    expect(inner.calls).toHaveLength(1);
    await sleep(expiresAtMs - Date.now() + 30);
    lookups.length = 0;
    expect(await reviewer.review(token)).toBeUndefined();
    // the entry's TTL was capped at exp: the lookup missed instead of finding a 60 s entry
    expect(lookups).toEqual([false]);
  });

  it('a JWT that expires after allowTtlMs is cached for allowTtlMs only', async () => {
    const token = jwt.sign({ sub: 'alice', exp: Math.floor(Date.now() / 1000) + 3600 }, 'any-secret', { algorithm: 'HS256' });
    const inner = new FakeTokenReviewer({ [token]: ALICE });
    const reviewer = new CachingTokenReviewer(inner, options({ allowTtlMs: 30 }));
    await reviewer.review(token);
    await sleep(80);
    expect(await reviewer.review(token)).toEqual(ALICE);
    expect(inner.calls).toHaveLength(2);
  });

  it('passes the raw token to the inner reviewer only, and keeps distinct tokens apart', async () => {
    const tokens = ['tok-A', 'tok-B', 'tok-A ', 'TOK-A'];
    const inner = new FakeTokenReviewer({ 'tok-A': ALICE, 'tok-B': { username: 'bob' } });
    const seenByHook: unknown[][] = [];
    const reviewer = new CachingTokenReviewer(inner, options({ onLookup: (...args) => seenByHook.push(args) }));
    const answers = [];
    for (const token of tokens) answers.push(await reviewer.review(token));
    expect(answers).toEqual([ALICE, { username: 'bob' }, undefined, undefined]);
    expect(inner.calls).toEqual(tokens);
    expect(seenByHook).toEqual(tokens.map(() => ['token', false]));
  });
});

const READ: ResourceAttributes = { verb: 'get', group: 'connectors.alauda.io', resource: 'connectors', namespace: 'ns', name: 'c' };

describe('CachingAccessReviewer', () => {
  const allowReadsOfC = (_user: UserInfo, a: ResourceAttributes): boolean => a.verb === 'get' && a.name === 'c';

  it.each([
    ['an allowed review', READ, true],
    ['a denied review', { ...READ, name: 'other' }, false],
  ])('%s: a second identical review within the TTL answers from the cache', async (_label, attributes, expected) => {
    const inner = new FakeAccessReviewer(allowReadsOfC);
    const reviewer = new CachingAccessReviewer(inner, options());
    expect(await reviewer.review(ALICE, attributes)).toBe(expected);
    expect(await reviewer.review({ ...ALICE, groups: ['dev'] }, { ...attributes })).toBe(expected);
    expect(inner.calls).toHaveLength(1);
    expect(inner.calls[0]).toEqual({ user: ALICE, attributes });
    expect(lookups).toEqual([false, true]);
  });

  it('a denial is kept for denyTtlMs, an allowance for allowTtlMs', async () => {
    const inner = new FakeAccessReviewer(allowReadsOfC);
    const reviewer = new CachingAccessReviewer(inner, options());
    const denied = { ...READ, name: 'other' };
    await reviewer.review(ALICE, READ);
    await reviewer.review(ALICE, denied);
    await sleep(DENY_TTL + 80);
    await reviewer.review(ALICE, READ);
    await reviewer.review(ALICE, denied);
    expect(inner.calls.map((c) => c.attributes.name)).toEqual(['c', 'other', 'other']);
    await sleep(ALLOW_TTL);
    expect(await reviewer.review(ALICE, READ)).toBe(true);
    expect(inner.calls.map((c) => c.attributes.name)).toEqual(['c', 'other', 'other', 'c']);
  });

  it.each([
    ['another username', { ...ALICE, username: 'mallory' }, READ],
    ['another uid', { ...ALICE, uid: 'u-2' }, READ],
    ['other groups', { ...ALICE, groups: ['dev', 'system:masters'] }, READ],
    ['no groups', { ...ALICE, groups: undefined }, READ],
    ['other extra', { ...ALICE, extra: { scopes: ['b'] } }, READ],
    ['another verb', ALICE, { ...READ, verb: 'delete' }],
    ['another namespace', ALICE, { ...READ, namespace: 'ns2' }],
    ['another name', ALICE, { ...READ, name: 'c2' }],
    ['a subresource', ALICE, { ...READ, subresource: 'apis/git' }],
    ['another resource', ALICE, { ...READ, resource: 'connectorclasses' }],
  ])('a review differing by %s is not answered from the first one\'s entry', async (_label, user, attributes) => {
    const inner = new FakeAccessReviewer(() => true);
    const reviewer = new CachingAccessReviewer(inner, options());
    await reviewer.review(ALICE, READ);
    await reviewer.review(user, attributes);
    expect(inner.calls).toEqual([
      { user: ALICE, attributes: READ },
      { user, attributes },
    ]);
  });

  it('concurrent identical reviews make one inner call', async () => {
    const inner = new FakeAccessReviewer(allowReadsOfC);
    const gate = deferred();
    inner.gate = gate.promise;
    const reviewer = new CachingAccessReviewer(inner, options());
    const pending = [1, 2, 3, 4].map(() => reviewer.review(ALICE, READ));
    gate.release();
    expect(await Promise.all(pending)).toEqual([true, true, true, true]);
    expect(inner.calls).toHaveLength(1);
  });

  it('a review that could not be made is not cached: the next call retries', async () => {
    const inner = new FakeAccessReviewer(allowReadsOfC);
    inner.failNext = 1;
    const reviewer = new CachingAccessReviewer(inner, options());
    await expect(reviewer.review(ALICE, READ)).rejects.toThrow('SubjectAccessReview could not be made');
    expect(await reviewer.review(ALICE, READ)).toBe(true);
    expect(inner.calls).toHaveLength(2);
  });
});

describe('peek: cached answers without a call or a promise', () => {
  it('misses before the first review, then answers the token review and the access decision at once', async () => {
    const tokens = new CachingTokenReviewer(new FakeTokenReviewer({ good: ALICE }), options());
    const access = new CachingAccessReviewer(new FakeAccessReviewer(() => false), options());
    expect(tokens.peek('good')).toBeUndefined();
    expect(tokens.peek('bad')).toBeUndefined();
    expect(access.peek(ALICE, READ)).toBeUndefined();
    await tokens.review('good');
    await tokens.review('bad');
    await access.review(ALICE, READ);
    expect(tokens.peek('good')).toEqual({ user: ALICE });
    expect(tokens.peek('bad')).toEqual({ user: undefined });
    expect(access.peek(ALICE, READ)).toBe(false);
  });

  it('misses once the entry is stale, and for a JWT past its exp even within the TTL', async () => {
    const tokens = new CachingTokenReviewer(new FakeTokenReviewer({ bad: ALICE }), options());
    await tokens.review('bad');
    await sleep(DENY_TTL + 30);
    expect(tokens.peek('unknown')).toBeUndefined();
    const { token, expiresAtMs } = soonExpiringJwt();
    const withJwt = new CachingTokenReviewer(new FakeTokenReviewer({ [token]: ALICE }), options({ allowTtlMs: 10_000 }));
    await withJwt.review(token);
    expect(withJwt.peek(token)).toEqual({ user: ALICE });
    await sleep(Math.max(0, expiresAtMs - Date.now()) + 20);
    expect(withJwt.peek(token)).toBeUndefined();
  });

  it('does not peek at a review still in flight', async () => {
    const inner = new FakeTokenReviewer({ good: ALICE });
    const gate = deferred();
    inner.gate = gate.promise;
    const tokens = new CachingTokenReviewer(inner, options());
    const pending = tokens.review('good');
    expect(tokens.peek('good')).toBeUndefined();
    gate.release();
    await pending;
    expect(tokens.peek('good')).toEqual({ user: ALICE });
  });
});

describe('accessKey', () => {
  it('equal identities give equal keys, whichever object carries them; the identity is never in clear', () => {
    const user = { username: 'alice@example.com', uid: 'u-1', groups: ['team-a-readers'], extra: { scopes: ['s'] } };
    const key = accessKey(user, READ);
    expect(accessKey({ ...user, groups: ['team-a-readers'] }, { ...READ })).toBe(key);
    expect(accessKey(user, READ)).toBe(key);
    for (const clear of ['alice', 'u-1', 'team-a-readers', 'scopes']) expect(key).not.toContain(clear);
    expect(accessKey({ ...user, uid: 'u-2' }, READ)).not.toBe(key);
  });
});

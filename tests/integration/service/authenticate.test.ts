import request from 'supertest';
import { ALICE, BOB, resourcesPath, startHarness, type Harness } from '../../helpers/harness.js';

const GITREFS = resourcesPath('team-a', 'git1', 'gitrefs');

describe('authentication (Bearer token → TokenReview)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(() => h.upstream.reset());

  it.each([
    ['no Authorization header', undefined],
    ['an empty header', ''],
    ['a Basic credential', 'Basic YWxpY2U6cHc='],
    ['Bearer without a token', 'Bearer '],
    ['a token with a space inside', 'Bearer demo-alice token'],
    ['an unknown token', 'Bearer not-a-known-token'],
  ])('returns 401 Status for %s and calls no upstream', async (_what, header) => {
    const req = request(h.url).get(GITREFS);
    if (header !== undefined) req.set('Authorization', header);
    const res = await req;
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    expect(h.upstream.requests).toHaveLength(0);
  });

  it('ignores a token in the query string or a cookie', async () => {
    const viaQuery = await request(h.url).get(`${GITREFS}?access_token=${ALICE}&token=${ALICE}`);
    const viaCookie = await request(h.url).get(GITREFS).set('Cookie', `token=${ALICE}; access_token=${ALICE}`);
    expect([viaQuery.status, viaCookie.status]).toEqual([401, 401]);
  });

  it('accepts a service-account JWT issued by the cluster and rejects an expired one', async () => {
    const valid = h.emulator.issueServiceAccountToken('team-a', 'builder', { expiresInSeconds: 600 });
    const expired = h.emulator.issueServiceAccountToken('team-a', 'builder', { expiresInSeconds: -10 });
    // The SA is authenticated but has no RBAC: 403 proves authentication passed.
    expect((await request(h.url).get(GITREFS).set('Authorization', `Bearer ${valid}`)).status).toBe(403);
    expect((await request(h.url).get(GITREFS).set('Authorization', `Bearer ${expired}`)).status).toBe(401);
  });

  it('reviews a token once and serves repeats from the cache', async () => {
    h.emulator.resetCounters();
    for (let i = 0; i < 5; i++) expect((await request(h.url).get(GITREFS).set('Authorization', `Bearer ${ALICE}`)).status).toBe(200);
    expect(h.emulator.counters()['create tokenreviews'] ?? 0).toBeLessThanOrEqual(1);
    expect(h.emulator.counters()['create subjectaccessreviews'] ?? 0).toBeLessThanOrEqual(1);
  });

  it('coalesces concurrent reviews of one new token into one TokenReview', async () => {
    const token = h.emulator.issueServiceAccountToken('team-a', 'burst', { expiresInSeconds: 600 });
    h.emulator.resetCounters();
    const answers = await Promise.all(Array.from({ length: 20 }, () => request(h.url).get(GITREFS).set('Authorization', `Bearer ${token}`)));
    expect(answers.every((a) => a.status === 403)).toBe(true);
    expect(h.emulator.counters()['create tokenreviews']).toBe(1);
  });

  it('returns 503 Status, never 200, when the token cannot be reviewed', async () => {
    const fresh = h.emulator.issueServiceAccountToken('team-a', 'during-outage', { expiresInSeconds: 600 });
    await h.emulator.pause();
    try {
      const res = await request(h.url).get(GITREFS).set('Authorization', `Bearer ${fresh}`);
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ kind: 'Status', reason: 'ServiceUnavailable', code: 503 });
    } finally {
      await h.emulator.resume();
    }
    expect(h.upstream.requests).toHaveLength(0);
  });

  it('keeps answering 403 for an authenticated user without RBAC (bob)', async () => {
    const res = await request(h.url).get(GITREFS).set('Authorization', `Bearer ${BOB}`);
    expect(res.status).toBe(403);
  });
});

describe('OPTIONS is a read like GET', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('answers a CORS-style preflight without a token with 401 and forwards an authenticated OPTIONS as OPTIONS', async () => {
    const preflight = await request(h.url).options(GITREFS).set('Origin', 'https://ui.example.com').set('Access-Control-Request-Method', 'GET');
    expect(preflight.status).toBe(401);
    expect(h.upstream.requests).toHaveLength(0);
    const res = await request(h.url).options(GITREFS).set('Authorization', `Bearer ${ALICE}`);
    expect(res.status).toBe(200);
    expect(h.upstream.requests.map((r) => r.method)).toEqual(['OPTIONS']);
  });
});

/**
 * The single error renderer (src/middleware/error-handler.ts) on a small express app: an unexpected error inside
 * one request is a generic 500 Status, logged without what it quoted, and the app keeps serving. The service's own
 * chains cannot be made to throw from outside, which is why this mounts the renderer on its own.
 */
import express from 'express';
import request from 'supertest';
import { createLogger } from '../../../src/logger.js';
import { StatusError } from '../../../src/errors.js';
import { errorHandler, notFound } from '../../../src/middleware/error-handler.js';
import { contextOf } from '../../../src/middleware/request-context.js';
import { createCaptureTransport } from '../../helpers/log-capture.js';

const TOKEN = 'secret-token-quoted-by-an-error';

function appWith(logs: ReturnType<typeof createCaptureTransport>) {
  const app = express();
  app.use((req, _res, next) => {
    contextOf(req).credentials.push(TOKEN);
    next();
  });
  app.get('/throws', () => {
    throw new Error(`database said: bad password for ${TOKEN}`);
  });
  app.get('/rejects', async () => {
    await Promise.resolve();
    throw new TypeError(`cannot read properties of undefined (${TOKEN})`);
  });
  app.get('/status', () => {
    throw StatusError.forbidden(`no access for ${TOKEN}`);
  });
  app.get('/client-error', (_req, _res, next) => next(Object.assign(new Error('bad escape'), { status: 400 })));
  app.get('/ok', (_req, res) => void res.json({ ok: true }));
  app.use(notFound());
  app.use(errorHandler(createLogger('info', [logs.transport])));
  return app;
}

describe('the error renderer', () => {
  it.each(['/throws', '/rejects'])('an unexpected error in %s → 500 Status with a generic message; logged, masked; the app keeps serving', async (path) => {
    const logs = createCaptureTransport();
    const app = appWith(logs);
    const res = await request(app).get(path);
    expect(res.status).toBe(500);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'InternalError', message: 'an internal error occurred', code: 500 });
    expect(res.text).not.toContain(TOKEN);
    expect(res.text).not.toMatch(/at .*\.(ts|js):\d+/);
    const logged = logs.lines().find((l) => l.includes('unhandled error'));
    expect(logged).toBeDefined();
    expect(logged).toContain('[REDACTED]');
    expect(logged).not.toContain(TOKEN);
    expect((await request(app).get('/ok')).status).toBe(200);
  });

  it('a StatusError keeps its code and message (credentials masked), and is not logged as unhandled', async () => {
    const logs = createCaptureTransport();
    const res = await request(appWith(logs)).get('/status');
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ kind: 'Status', reason: 'Forbidden', code: 403, message: 'no access for [REDACTED]' });
    expect(logs.lines().some((l) => l.includes('unhandled error'))).toBe(false);
  });

  it('an express-style client error (status 400) → 400 Status, not a 500', async () => {
    const res = await request(appWith(createCaptureTransport())).get('/client-error');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400, message: 'the request could not be parsed' });
  });

  it('a path nothing serves → 404 Status', async () => {
    const res = await request(appWith(createCaptureTransport())).get('/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 });
  });
});

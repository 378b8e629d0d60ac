import { Router } from 'express';
import type { Metrics } from '../metrics.js';

/** /healthz: the process answers (also during a Kubernetes API outage). /readyz: the caches have synced. */
export function probesRouter(deps: { synced: () => boolean; metrics: Metrics }): Router {
  const router = Router({ caseSensitive: true, strict: true });
  router.get('/healthz', (_req, res) => {
    res.type('text/plain').send('ok');
  });
  router.get('/readyz', (_req, res) => {
    if (deps.synced()) res.type('text/plain').send('ok');
    else res.status(503).type('text/plain').send('caches not synced');
  });
  router.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return router;
}

import type { RequestHandler } from 'express';
import { CREDENTIALS, type Logger } from '../logger.js';
import type { MetricRecorders } from '../metrics.js';
import { contextOf } from './request-context.js';

/**
 * One access line per request when it ends, plus request metrics. The path is logged without its query
 * string: queries can carry credentials.
 */
export function accessLog(logger: Logger, record: MetricRecorders, routeOf: (path: string) => string): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    // Taken now: the proxy rewrites req.url (and so req.path) to the upstream's path later on.
    const path = req.originalUrl.split('?', 1)[0] ?? '';
    record.started();
    // 'close' alone: a response emits it once, after 'finish' or when the connection ends first.
    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeOf(path);
      const code = res.writableFinished ? res.statusCode : 0; // 0: the connection ended before the answer did
      const ctx = contextOf(req);
      const dispatch = ctx.operation?.providerType ?? 'none';
      record.request(route, dispatch, ctx.connectorClass?.metadata.name ?? '', code, seconds);
      logger.info('request', {
        requestId: ctx.requestId,
        method: req.method,
        path,
        status: code,
        durationMs: Math.round(seconds * 1e4) / 10,
        user: ctx.user?.username,
        connector: ctx.path ? `${ctx.path.namespace}/${ctx.path.name}` : undefined,
        dispatch,
        upstreamStatus: ctx.upstreamStatus,
        [CREDENTIALS]: ctx.credentials, // the path may quote the caller's token: the logger masks it
      });
    });
    next();
  };
}

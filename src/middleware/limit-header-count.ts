import type { RequestHandler } from 'express';
import { StatusError } from '../errors.js';

/**
 * More request header fields than `max` → 431 Status. Node's parser does not refuse extra fields: past the
 * server's maxHeadersCount it silently drops them, so the server keeps one more than `max` (server.ts) and this
 * step refuses any request that reached it. Nothing dropped is ever forwarded as if it were the whole request.
 */
export function limitHeaderCount(max: number): RequestHandler {
  return (req, _res, next) => {
    next(req.rawHeaders.length / 2 > max ? new StatusError(431, '', `too many request header fields: at most ${max} are accepted`) : undefined);
  };
}

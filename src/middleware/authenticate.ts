import type { RequestHandler } from 'express';
import { parseBearerToken } from '../core/bearer-token.js';
import { StatusError } from '../errors.js';
import type { TokenReviewer } from '../kube/token-reviewer.js';
import type { Logger } from '../logger.js';
import { contextOf } from './request-context.js';

/**
 * `Authorization: Bearer <token>` only (no query, cookie or other header), checked by TokenReview.
 * No token or a rejected one → 401; a review that could not be made → 503, never a pass.
 */
export function authenticate(reviewer: TokenReviewer, logger: Logger): RequestHandler {
  return async (req, _res, next) => {
    const token = parseBearerToken(req.headers.authorization);
    if (token === undefined) throw StatusError.unauthorized();
    let user;
    try {
      user = await reviewer.review(token);
    } catch (err) {
      logger.warn('token review failed', { error: err });
      throw StatusError.serviceUnavailable('the token could not be reviewed: the Kubernetes API is unavailable');
    }
    if (!user) throw StatusError.unauthorized();
    contextOf(req).user = user;
    next();
  };
}

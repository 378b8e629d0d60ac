import type { RequestHandler } from 'express';
import { parseBearerToken } from '../core/bearer-token.js';
import { failureReason } from '../core/credential-scrub.js';
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
      // Only the failure's kind and message, with this request's token masked: never the error object, whose
      // request or response details could carry what we sent.
      logger.warn('token review failed', { reason: failureReason(err, contextOf(req).credentials) });
      throw StatusError.serviceUnavailable('the token could not be reviewed: the Kubernetes API is unavailable');
    }
    if (!user) throw StatusError.unauthorized();
    contextOf(req).user = user;
    next();
  };
}

import type { RequestHandler } from 'express';
import { failureReason } from '../core/credential-scrub.js';
import { StatusError } from '../errors.js';
import type { UserInfo } from '../core/types.js';
import type { TokenReviewer } from '../kube/token-reviewer.js';
import type { Logger } from '../logger.js';
import { contextOf } from './request-context.js';

/**
 * `Authorization: Bearer <token>` only (no query, cookie or other header), checked by TokenReview.
 * No token or a rejected one → 401; a review that could not be made → 503, never a pass.
 */
export function authenticate(reviewer: TokenReviewer, logger: Logger): RequestHandler {
  return (req, _res, next) => {
    const token = contextOf(req).bearerToken; // parsed once, by recordCallerToken
    if (token === undefined) throw StatusError.unauthorized();
    const accept = (user: UserInfo | undefined) => {
      if (!user) throw StatusError.unauthorized();
      contextOf(req).user = user;
      next();
    };
    // A cached review answers at once; only a miss waits for the API server.
    const cached = reviewer.peek?.(token);
    if (cached) return accept(cached.user);
    return reviewer.review(token).then(accept, (err: unknown) => {
      // Only the failure's kind and message, with this request's token masked: never the error object, whose
      // request or response details could carry what we sent.
      logger.warn('token review failed', { reason: failureReason(err, contextOf(req).credentials) });
      throw StatusError.serviceUnavailable('the token could not be reviewed: the Kubernetes API is unavailable');
    });
  };
}

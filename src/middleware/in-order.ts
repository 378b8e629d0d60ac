import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Runs chain steps one after another as a single Express handler. Each step keeps the (req, res, next)
 * contract, throws or rejects to fail; the first error, or the end of the chain, goes to Express's next. Express
 * would give every step its own router layer (path match, parameter processing, promise bookkeeping); on a
 * proxy's hot path that overhead is measurable and buys nothing, since the chain is fixed.
 */
export function inOrder(steps: readonly RequestHandler[]): RequestHandler {
  return (req: Request, res: Response, done: NextFunction) => {
    let index = 0;
    const next: NextFunction = (err?: unknown) => {
      if (err !== undefined && err !== null) return done(err);
      const step = steps[index++];
      if (!step) return done();
      try {
        const result: unknown = step(req, res, next);
        if (result instanceof Promise) result.catch(done);
      } catch (thrown) {
        done(thrown);
      }
    };
    next();
  };
}

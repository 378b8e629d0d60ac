// Why the express + http-proxy-middleware pair cost more than its parts (issue #6): for every request Express 5's
// app.handle gives req and res its own prototypes with Object.setPrototypeOf. Changing an existing object's
// prototype sends V8 to slow paths for everything Node does with that object afterwards; measured here it was
// ≈ 90 of the ≈ 150 µs of CPU a bare express + hpm pipe spends per request. Node's server can construct req and
// res with Express's prototypes in the first place (the IncomingMessage/ServerResponse server options); Express's
// setPrototypeOf then finds the prototype already in place and does nothing.
import http from 'node:http';
import type { Express } from 'express';

export interface MessageClasses {
  readonly IncomingMessage: typeof http.IncomingMessage;
  readonly ServerResponse: typeof http.ServerResponse;
}

type LegacyConstructor = (this: object, ...args: unknown[]) => void;

/** Node's own constructors are plain functions (callable on a new `this`) in the Node versions this runs on. */
function asLegacyConstructor(ctor: unknown): LegacyConstructor | undefined {
  if (typeof ctor !== 'function' || Function.prototype.toString.call(ctor).startsWith('class')) return undefined;
  return ctor as LegacyConstructor;
}

/**
 * Request and response constructors whose instances already have `app.request` / `app.response` as prototype.
 * Undefined when Node's constructors are ES classes (they could not be called this way); the server then runs
 * with Node's own classes, correct but slower.
 */
export function expressMessageClasses(app: Pick<Express, 'request' | 'response'>): MessageClasses | undefined {
  const incoming = asLegacyConstructor(http.IncomingMessage);
  const outgoing = asLegacyConstructor(http.ServerResponse);
  if (!incoming || !outgoing) return undefined;
  // Plain `function`s on purpose: a class cannot take Express's prototype object as its own `prototype`.
  const ExpressRequest = function (this: object, ...args: unknown[]): void {
    incoming.apply(this, args);
  };
  ExpressRequest.prototype = app.request;
  const ExpressResponse = function (this: object, ...args: unknown[]): void {
    outgoing.apply(this, args);
  };
  ExpressResponse.prototype = app.response;
  return {
    IncomingMessage: ExpressRequest as unknown as typeof http.IncomingMessage,
    ServerResponse: ExpressResponse as unknown as typeof http.ServerResponse,
  };
}

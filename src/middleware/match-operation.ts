import type { RequestHandler } from 'express';
import { parsePaging } from '../core/list-shape.js';
import { matchOperation } from '../core/openapi-match.js';
import { contextOf, required } from './request-context.js';

/** R1 always goes to the ConnectorClass API and matches no template. */
export function classApiOperation(): RequestHandler {
  return (req, _res, next) => {
    contextOf(req).operation = { template: undefined, providerType: 'api', openapiAddress: undefined };
    next();
  };
}

/** R2: the OpenAPI operation of the request decides the dispatch (400 for an unknown x-provider-type). */
export function matchApiOperation(): RequestHandler {
  return (req, _res, next) => {
    const { rawSegments, rawQuery } = required(req, 'path');
    const cls = required(req, 'connectorClass');
    const ctx = contextOf(req);
    ctx.operation = matchOperation(cls.spec?.api?.openapi, rawSegments, req.method, cls.metadata.name);
    // Lists from the ConnectorClass API are ours to page; a tool's own `page` is the tool's business.
    if (ctx.operation.providerType === 'api') ctx.paging = parsePaging(rawQuery);
    next();
  };
}

import type { RequestHandler } from 'express';
import type { ProviderType } from '../core/openapi-match.js';
import { inOrder } from './in-order.js';
import { required } from './request-context.js';

/** Runs the chain of the operation's provider type: `api` → ConnectorClass API, `proxy` → the tool. */
export function dispatchByProvider(chains: Readonly<Record<ProviderType, readonly RequestHandler[]>>): RequestHandler {
  const byType = { api: inOrder(chains.api), proxy: inOrder(chains.proxy) };
  return (req, res, next) => byType[required(req, 'operation').providerType](req, res, next);
}

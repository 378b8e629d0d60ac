import { Router, type RequestHandler } from 'express';
import type { ProviderType } from '../core/openapi-match.js';
import { required } from './request-context.js';

/** Runs the chain of the operation's provider type: `api` → ConnectorClass API, `proxy` → the tool. */
export function dispatchByProvider(chains: Readonly<Record<ProviderType, readonly RequestHandler[]>>): RequestHandler {
  const routers = { api: Router().use([...chains.api]), proxy: Router().use([...chains.proxy]) };
  return (req, res, next) => routers[required(req, 'operation').providerType](req, res, next);
}

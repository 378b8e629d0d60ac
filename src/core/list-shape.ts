import { StatusError } from '../errors.js';

export interface ListResponse {
  listMeta: { totalItems: number; [k: string]: unknown };
  items: unknown[];
  [k: string]: unknown;
}

export interface Paging {
  page: number;
  itemsPerPage: number | undefined;
}

/** What normaliseListBody decided about a 2xx JSON answer of a ConnectorClass API. */
export type ListShape =
  | { kind: 'conformant' } // already {listMeta:{totalItems}, items}: relay the bytes unchanged
  | { kind: 'not-a-list' } // some other JSON value: relay unchanged
  | { kind: 'normalised'; body: ListResponse };

/**
 * decisions.md "Responses": a bare array, or an object with an items array but no valid listMeta.totalItems,
 * becomes {listMeta:{totalItems}, items}. Only a bare array is paged here (the class API could not page it).
 */
export function normaliseListBody(body: unknown, paging: Paging | undefined): ListShape {
  if (Array.isArray(body)) {
    return { kind: 'normalised', body: { listMeta: { totalItems: body.length }, items: pageOf(body, paging) } };
  }
  if (!isRecord(body) || !Array.isArray(body.items)) return { kind: 'not-a-list' };
  const listMeta = isRecord(body.listMeta) ? body.listMeta : {};
  if (isCount(listMeta.totalItems)) return { kind: 'conformant' };
  return { kind: 'normalised', body: { ...body, listMeta: { ...listMeta, totalItems: body.items.length }, items: body.items } };
}

function pageOf(items: unknown[], paging: Paging | undefined): unknown[] {
  if (!paging) return items;
  if (paging.itemsPerPage === undefined) return paging.page === 1 ? items : [];
  const start = (paging.page - 1) * paging.itemsPerPage;
  return items.slice(start, start + paging.itemsPerPage);
}

const POSITIVE_INTEGER = /^[1-9][0-9]{0,8}$/;

/**
 * Reads `page` and `itemsPerPage` from a raw query string. Absent → undefined (no paging). Present but not a
 * positive integer → 400, before anything is sent upstream: a silently ignored page would show wrong data.
 */
export function parsePaging(rawQuery: string | undefined): Paging | undefined {
  if (!rawQuery) return undefined;
  const params = new URLSearchParams(rawQuery);
  const page = params.get('page');
  const perPage = params.get('itemsPerPage');
  if (page === null && perPage === null) return undefined;
  return { page: page === null ? 1 : positiveInteger('page', page), itemsPerPage: perPage === null ? undefined : positiveInteger('itemsPerPage', perPage) };
}

function positiveInteger(name: string, value: string): number {
  if (!POSITIVE_INTEGER.test(value)) throw StatusError.badRequest(`query parameter ${name} must be a positive integer`);
  return Number(value);
}

function isCount(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

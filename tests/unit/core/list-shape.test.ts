import { StatusError } from '../../../src/errors.js';
import { normaliseListBody, parsePaging, type Paging } from '../../../src/core/list-shape.js';

const FIVE = ['a', 'b', 'c', 'd', 'e'];

describe('normaliseListBody: bare arrays', () => {
  it.each([
    [[], undefined, 0, []],
    [FIVE, undefined, 5, FIVE],
    [FIVE, { page: 1, itemsPerPage: 2 }, 5, ['a', 'b']],
    [FIVE, { page: 2, itemsPerPage: 2 }, 5, ['c', 'd']],
    [FIVE, { page: 3, itemsPerPage: 2 }, 5, ['e']],
    [FIVE, { page: 4, itemsPerPage: 2 }, 5, []],
    [FIVE, { page: 1, itemsPerPage: 10 }, 5, FIVE],
    [FIVE, { page: 5, itemsPerPage: 1 }, 5, ['e']],
    // itemsPerPage absent: page 1 is the whole list, later pages are empty
    [FIVE, { page: 1, itemsPerPage: undefined }, 5, FIVE],
    [FIVE, { page: 2, itemsPerPage: undefined }, 5, []],
    [[{ name: 'main' }], { page: 1, itemsPerPage: 1 }, 1, [{ name: 'main' }]],
  ] as [unknown[], Paging | undefined, number, unknown[]][])('%j paged %j → totalItems %i, items %j', (body, paging, totalItems, items) => {
    expect(normaliseListBody(body, paging)).toEqual({ kind: 'normalised', body: { listMeta: { totalItems }, items } });
  });
});

describe('normaliseListBody: objects', () => {
  it.each([
    ['items, no listMeta', { items: [1, 2] }, { listMeta: { totalItems: 2 }, items: [1, 2] }],
    ['TEP gitrefs example', { items: [{ name: 'refs/heads/main', commitID: 'xx' }] }, { listMeta: { totalItems: 1 }, items: [{ name: 'refs/heads/main', commitID: 'xx' }] }],
    ['listMeta without totalItems, other listMeta fields kept', { listMeta: { continue: 'abc' }, items: [1] }, { listMeta: { continue: 'abc', totalItems: 1 }, items: [1] }],
    ['totalItems a string', { listMeta: { totalItems: '3' }, items: [1, 2] }, { listMeta: { totalItems: 2 }, items: [1, 2] }],
    ['totalItems negative', { listMeta: { totalItems: -1 }, items: [1] }, { listMeta: { totalItems: 1 }, items: [1] }],
    ['totalItems a float', { listMeta: { totalItems: 1.5 }, items: [1] }, { listMeta: { totalItems: 1 }, items: [1] }],
    ['totalItems null', { listMeta: { totalItems: null }, items: [] }, { listMeta: { totalItems: 0 }, items: [] }],
    ['totalItems beyond safe integers', { listMeta: { totalItems: 2 ** 53 }, items: [1] }, { listMeta: { totalItems: 1 }, items: [1] }],
    ['listMeta not an object', { listMeta: 'x', items: [1] }, { listMeta: { totalItems: 1 }, items: [1] }],
    ['listMeta an array', { listMeta: [7], items: [1] }, { listMeta: { totalItems: 1 }, items: [1] }],
    ['other top-level fields kept', { kind: 'GitRefList', apiVersion: 'v1', items: [1] }, { kind: 'GitRefList', apiVersion: 'v1', listMeta: { totalItems: 1 }, items: [1] }],
  ])('%s → normalised', (_label, body, expected) => {
    expect(normaliseListBody(body, undefined)).toEqual({ kind: 'normalised', body: expected });
  });

  it('objects are never paged here, even when the client asked for a page', () => {
    expect(normaliseListBody({ items: FIVE }, { page: 2, itemsPerPage: 2 })).toEqual({
      kind: 'normalised',
      body: { listMeta: { totalItems: 5 }, items: FIVE },
    });
  });

  it.each([
    [{ listMeta: { totalItems: 0 }, items: [] }],
    [{ listMeta: { totalItems: 2 }, items: [1, 2] }],
    [{ listMeta: { totalItems: 100 }, items: [1, 2] }],
    [{ listMeta: { totalItems: 0, continue: 'x' }, items: [1], extra: true }],
  ])('%j → conformant', (body) => {
    expect(normaliseListBody(body, { page: 2, itemsPerPage: 1 })).toEqual({ kind: 'conformant' });
  });

  it.each([[null], [undefined], [42], ['text'], [true], [{}], [{ items: 'x' }], [{ items: { a: 1 } }], [{ listMeta: { totalItems: 1 } }], [{ data: [1] }]])(
    '%j → not-a-list',
    (body) => {
      expect(normaliseListBody(body, undefined)).toEqual({ kind: 'not-a-list' });
    },
  );
});

describe('parsePaging', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['q=x', undefined],
    ['pages=2&per_page=3', undefined],
    ['page=2', { page: 2, itemsPerPage: undefined }],
    ['itemsPerPage=10', { page: 1, itemsPerPage: 10 }],
    ['page=3&itemsPerPage=25', { page: 3, itemsPerPage: 25 }],
    ['itemsPerPage=25&q=a&page=3', { page: 3, itemsPerPage: 25 }],
    ['page=%32', { page: 2, itemsPerPage: undefined }],
    ['page=1', { page: 1, itemsPerPage: undefined }],
    ['page=2&page=9', { page: 2, itemsPerPage: undefined }],
  ])('%j → %j', (rawQuery, expected) => {
    expect(parsePaging(rawQuery)).toEqual(expected);
  });

  it.each([
    ['page=0', 'page'],
    ['page=-1', 'page'],
    ['page=1.5', 'page'],
    ['page=abc', 'page'],
    ['page=', 'page'],
    ['page', 'page'],
    ['page=+1', 'page'],
    ['page=1e2', 'page'],
    ['page=%201', 'page'],
    ['itemsPerPage=0', 'itemsPerPage'],
    ['itemsPerPage=-1', 'itemsPerPage'],
    ['itemsPerPage=1.5', 'itemsPerPage'],
    ['itemsPerPage=abc', 'itemsPerPage'],
    ['itemsPerPage=', 'itemsPerPage'],
    ['page=2&itemsPerPage=x', 'itemsPerPage'],
  ])('%j → 400 naming %s', (rawQuery, name) => {
    let caught: unknown;
    try {
      parsePaging(rawQuery);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(StatusError);
    expect((caught as StatusError).code).toBe(400);
    expect((caught as StatusError).message).toBe(`query parameter ${name} must be a positive integer`);
  });
});

// labelSelector / fieldSelector parsing and matching (k8s.io/apimachinery/pkg/labels and pkg/fields subsets).
import { StatusError } from './status.js';
import type { KubeObject } from './types.js';

type Requirement =
  | { key: string; op: 'eq' | 'neq'; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'notexists' };

/** A parsed selector: true when the object matches. */
export type Selector = (obj: KubeObject) => boolean;

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;

// split on commas that are not inside "in (a,b)"
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current.trim());
      current = '';
    } else current += ch;
  }
  terms.push(current.trim());
  return terms.filter((t) => t !== '');
}

function parseLabelTerm(term: string): Requirement {
  const set = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
  if (set?.[1] && set[2] && set[3] !== undefined) {
    const values = set[3].split(',').map((v) => v.trim());
    return { key: checkKey(set[1], term), op: set[2] === 'in' ? 'in' : 'notin', values };
  }
  const cmp = /^([^!=\s]+)\s*(==|=|!=)\s*([^!=\s]*)$/.exec(term);
  if (cmp?.[1] && cmp[2]) return { key: checkKey(cmp[1], term), op: cmp[2] === '!=' ? 'neq' : 'eq', value: cmp[3] ?? '' };
  if (term.startsWith('!')) return { key: checkKey(term.slice(1).trim(), term), op: 'notexists' };
  return { key: checkKey(term, term), op: 'exists' };
}

function checkKey(key: string, term: string): string {
  if (!KEY.test(key)) throw StatusError.badRequest(`unable to parse requirement: invalid label key "${key}" in "${term}"`);
  return key;
}

function matches(req: Requirement, values: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(values, req.key);
  const value = values[req.key];
  switch (req.op) {
    case 'eq':
      return has && value === req.value;
    case 'neq':
      return !has || value !== req.value;
    case 'in':
      return has && req.values.includes(value ?? '');
    case 'notin':
      return !has || !req.values.includes(value ?? '');
    case 'exists':
      return has;
    case 'notexists':
      return !has;
  }
}

/** Parses a labelSelector; undefined or "" selects everything. Throws 400 on bad syntax. */
export function parseLabelSelector(selector: string | null | undefined): Selector {
  const reqs = splitTerms(selector ?? '').map(parseLabelTerm);
  return (obj) => {
    const labels = (obj.metadata.labels ?? {}) as Record<string, string>;
    return reqs.every((r) => matches(r, labels));
  };
}

function fieldValues(obj: KubeObject): Record<string, string> {
  const fields: Record<string, string> = { 'metadata.name': obj.metadata.name };
  fields['metadata.namespace'] = obj.metadata.namespace ?? '';
  if (obj.kind === 'Secret') fields['type'] = typeof obj.type === 'string' ? obj.type : '';
  return fields;
}

/** Parses a fieldSelector over metadata.name, metadata.namespace (and a Secret's type), like the apiserver. */
export function parseFieldSelector(selector: string | null | undefined, kind: string): Selector {
  const known = kind === 'Secret' ? ['metadata.name', 'metadata.namespace', 'type'] : ['metadata.name', 'metadata.namespace'];
  const reqs = splitTerms(selector ?? '').map((term): Requirement => {
    const m = /^([^!=\s]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m?.[1] || !m[2]) throw StatusError.badRequest(`invalid selector: '${selector ?? ''}'; can't understand '${term}'`);
    if (!known.includes(m[1])) {
      throw StatusError.badRequest(`"${m[1]}" is not a known field selector: only ${known.map((k) => `"${k}"`).join(', ')}`);
    }
    return { key: m[1], op: m[2] === '!=' ? 'neq' : 'eq', value: (m[3] ?? '').trim() };
  });
  return (obj) => {
    const values = fieldValues(obj);
    return reqs.every((r) => matches(r, values));
  };
}

import type { ProblemItem } from '../common/problem/problem.js';
import { ValidationProblem } from '../common/problem/problem.js';
import type { EventFilter } from './audit.repository.js';

type Query = Readonly<Record<string, unknown>>;

const TEXT_FILTERS = ['type', 'actor', 'organisation', 'role', 'purpose', 'dataset', 'action', 'outcome'] as const;
const OUTCOMES = ['allow', 'deny', 'success', 'failure'];
const TOKEN = /^[A-Za-z0-9@._:-]{1,200}$/;

/** Reads the officer's search parameters, reporting every bad one at once. */
export function parseEventQuery(query: Query): { filter: EventFilter; after: number; limit: number } {
  const errors: ProblemItem[] = [];
  const filter: Record<string, string> = {};
  const known = new Set<string>([...TEXT_FILTERS, 'from', 'to', 'after', 'limit', 'format']);
  for (const name of Object.keys(query)) {
    if (!known.has(name)) errors.push({ parameter: name, detail: 'is not a search parameter', code: 'unknown-parameter' });
  }
  for (const name of TEXT_FILTERS) {
    const value = query[name];
    if (value === undefined) continue;
    if (typeof value !== 'string' || !TOKEN.test(value)) {
      errors.push({ parameter: name, detail: 'must be one plain value (letters, digits, @ . _ : -)', code: 'pattern' });
    } else if (name === 'outcome' && !OUTCOMES.includes(value)) {
      errors.push({ parameter: name, detail: `must be one of ${OUTCOMES.join(', ')}`, code: 'enum' });
    } else {
      filter[name] = value;
    }
  }
  for (const name of ['from', 'to'] as const) {
    const value = query[name];
    if (value === undefined) continue;
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value)) || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
      errors.push({ parameter: name, detail: 'must be an ISO 8601 date or date-time', code: 'format' });
    } else {
      filter[name] = new Date(value).toISOString();
    }
  }
  const after = integer(query.after, 'after', -1, -1, Number.MAX_SAFE_INTEGER, errors);
  const limit = integer(query.limit, 'limit', 100, 1, 1000, errors);
  if (errors.length > 0) throw new ValidationProblem(errors);
  return { filter, after, limit };
}

export function integer(value: unknown, name: string, fallback: number, min: number, max: number, errors: ProblemItem[]): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^-?\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    errors.push({ parameter: name, detail: `must be a whole number from ${min} to ${max}`, code: 'range' });
    return fallback;
  }
  return Number(value);
}

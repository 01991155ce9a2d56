import type { ProblemItem } from '../common/problem/problem.js';
import type { SignalCategory } from '../policies/policy-set.js';

/** How far ahead of the gateway's clock an observation may be (clock skew on a handheld). */
export const MAX_FUTURE_MS = 5 * 60 * 1000;
/** How old an observation may be: near-time means within the last year. */
export const MAX_AGE_MS = 366 * 24 * 60 * 60 * 1000;

export type SignalLocation =
  | { readonly kind: 'address'; readonly postcode: string; readonly huisnummer: number; readonly toevoeging: string }
  | { readonly kind: 'pc6'; readonly postcode: string }
  | { readonly kind: 'street'; readonly street: string };

/**
 * What could be read from a signal body. Every problem is in `errors`; the parts that were valid are
 * filled in, so that the caller can still look the location up and report that problem too.
 */
export interface ParsedSignalReport {
  readonly errors: readonly ProblemItem[];
  readonly category?: string;
  readonly observedAt?: Date;
  readonly location?: SignalLocation;
}

const POSTCODE = /^[1-9][0-9]{3} ?[A-Za-z]{2}$/;
const TOEVOEGING = /^[A-Za-z0-9-]{0,6}$/;
const STREET_UNIT = /^[^@]{1,80}@BU[0-9]{8}$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;
const FORMS = {
  address: ['postcode', 'huisnummer', 'toevoeging'],
  pc6: ['pc6'],
  street: ['street'],
} as const;
const TOP_LEVEL = ['category', 'observedAt', 'location'];
const NO_FREE_TEXT = 'is not accepted: a signal is a category, a location and a time, without free text';

/**
 * Reads a POST /v1/signals body (pure: the taxonomy and the current time are passed in). Unknown
 * properties anywhere are refused, since free text is where personal data leaks. Problem texts never
 * repeat a submitted value.
 */
export function parseSignalReport(body: unknown, categories: readonly SignalCategory[], now: Date): ParsedSignalReport {
  if (!isObject(body)) return { errors: [{ pointer: '/', detail: 'must be a JSON object', code: 'type' }] };
  const errors: ProblemItem[] = [];
  for (const key of Object.keys(body).filter((k) => !TOP_LEVEL.includes(k))) {
    errors.push({ pointer: `/${escape(key)}`, detail: NO_FREE_TEXT, code: 'unknown-property' });
  }
  const category = readCategory(body.category, categories, errors);
  const observedAt = readObservedAt(body.observedAt, now, errors);
  const location = readLocation(body.location, errors);
  return {
    errors,
    ...(category !== undefined && { category }),
    ...(observedAt !== undefined && { observedAt }),
    ...(location !== undefined && { location }),
  };
}

function readCategory(value: unknown, categories: readonly SignalCategory[], errors: ProblemItem[]): string | undefined {
  if (value === undefined) {
    errors.push({ pointer: '/category', detail: 'is required', code: 'required' });
  } else if (typeof value !== 'string' || !categories.some((c) => c.id === value)) {
    errors.push({ pointer: '/category', detail: 'must be a category id of GET /v1/signals/categories', code: 'unknown-category' });
  } else {
    return value;
  }
  return undefined;
}

function readObservedAt(value: unknown, now: Date, errors: ProblemItem[]): Date | undefined {
  if (value === undefined) {
    errors.push({ pointer: '/observedAt', detail: 'is required', code: 'required' });
    return undefined;
  }
  const at = typeof value === 'string' ? parseDateTime(value) : undefined;
  if (at === undefined) {
    errors.push({ pointer: '/observedAt', detail: 'must be an ISO 8601 date-time with a time zone, e.g. 2026-11-24T21:30:00+01:00', code: 'format' });
  } else if (at.getTime() > now.getTime() + MAX_FUTURE_MS) {
    errors.push({ pointer: '/observedAt', detail: 'must not be more than 5 minutes in the future', code: 'future' });
  } else if (at.getTime() < now.getTime() - MAX_AGE_MS) {
    errors.push({ pointer: '/observedAt', detail: 'must not be more than 366 days ago', code: 'too-old' });
  } else {
    return at;
  }
  return undefined;
}

/** RFC 3339 date-time; a day that does not exist (30 February) is refused rather than rolled over. */
export function parseDateTime(text: string): Date | undefined {
  const match = DATE_TIME.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  const at = new Date(text);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

function readLocation(value: unknown, errors: ProblemItem[]): SignalLocation | undefined {
  if (value === undefined) {
    errors.push({ pointer: '/location', detail: 'is required', code: 'required' });
    return undefined;
  }
  if (!isObject(value)) {
    errors.push({ pointer: '/location', detail: 'must be an object: {postcode, huisnummer, toevoeging?}, {pc6} or {street}', code: 'type' });
    return undefined;
  }
  const keys = Object.keys(value);
  const forms = (Object.keys(FORMS) as (keyof typeof FORMS)[]).filter((f) => FORMS[f].some((k) => keys.includes(k)));
  if (forms.length !== 1) {
    errors.push({
      pointer: '/location',
      detail: 'must be exactly one of {postcode, huisnummer, toevoeging?}, {pc6} or {street}',
      code: 'one-of',
    });
    return undefined;
  }
  const form = forms[0]!;
  const before = errors.length;
  for (const key of keys.filter((k) => !(FORMS[form] as readonly string[]).includes(k))) {
    errors.push({ pointer: `/location/${escape(key)}`, detail: NO_FREE_TEXT, code: 'unknown-property' });
  }
  const location = form === 'address' ? readAddress(value, errors) : form === 'pc6' ? readPc6(value, errors) : readStreet(value, errors);
  return errors.length === before ? location : undefined;
}

function readAddress(value: Record<string, unknown>, errors: ProblemItem[]): SignalLocation | undefined {
  const postcode = readPostcode(value.postcode, '/location/postcode', errors);
  const { huisnummer, toevoeging = '' } = value;
  const validNumber = typeof huisnummer === 'number' && Number.isInteger(huisnummer) && huisnummer >= 1 && huisnummer <= 99999;
  if (huisnummer === undefined) errors.push({ pointer: '/location/huisnummer', detail: 'is required', code: 'required' });
  else if (!validNumber) errors.push({ pointer: '/location/huisnummer', detail: 'must be a whole number from 1 to 99999', code: 'range' });
  const validSuffix = typeof toevoeging === 'string' && TOEVOEGING.test(toevoeging);
  if (!validSuffix) errors.push({ pointer: '/location/toevoeging', detail: 'must be at most 6 letters, digits or dashes', code: 'pattern' });
  if (postcode === undefined || !validNumber || !validSuffix) return undefined;
  return { kind: 'address', postcode, huisnummer, toevoeging: toevoeging.toUpperCase() };
}

function readPc6(value: Record<string, unknown>, errors: ProblemItem[]): SignalLocation | undefined {
  const postcode = readPostcode(value.pc6, '/location/pc6', errors);
  return postcode === undefined ? undefined : { kind: 'pc6', postcode };
}

function readStreet(value: Record<string, unknown>, errors: ProblemItem[]): SignalLocation | undefined {
  if (typeof value.street === 'string' && STREET_UNIT.test(value.street)) return { kind: 'street', street: value.street };
  errors.push({ pointer: '/location/street', detail: 'must be a street unit code: street name @ buurt code (Texelstraat@BU00345104)', code: 'pattern' });
  return undefined;
}

function readPostcode(value: unknown, pointer: string, errors: ProblemItem[]): string | undefined {
  if (typeof value === 'string' && POSTCODE.test(value)) return value.replace(' ', '').toUpperCase();
  errors.push({ pointer, detail: value === undefined ? 'is required' : 'must be four digits and two letters (1312AB)', code: value === undefined ? 'required' : 'pattern' });
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 6901: `~` and `/` in a property name. */
function escape(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

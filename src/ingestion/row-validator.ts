import { isValidBsn } from './bsn.js';
import type { DatasetSpec, FieldSpec } from './dataset-spec.js';

export interface RowError {
  readonly row: number;
  readonly field?: string;
  readonly reason: string;
}

export type FieldValue = string | number | boolean | null;

const POSTCODE = /^[1-9][0-9]{3} ?[A-Za-z]{2}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INTEGER = /^-?\d{1,15}$/;
const NUMBER = /^-?\d{1,15}([.,]\d{1,6})?$/;

/**
 * Checks one row against the dataset's fields and normalises its values (postcodes upper-case without
 * a space, numbers as numbers). Reasons never quote the offending value: it may be a BSN or a name
 * typed into the wrong column.
 */
export function validateRow(
  spec: DatasetSpec,
  raw: Readonly<Record<string, unknown>>,
  row: number,
  errors: RowError[],
  /** CSV columns were checked once against the header; JSON rows bring their own keys each time. */
  checkUnknownKeys = true,
): Record<string, FieldValue> | undefined {
  const before = errors.length;
  const values: Record<string, FieldValue> = {};
  for (const field of spec.fields) {
    values[field.name] = checkField(field, raw[field.name], row, errors);
  }
  if (checkUnknownKeys) {
    for (const key of Object.keys(raw)) {
      if (!spec.fields.some((f) => f.name === key)) errors.push({ row, field: key, reason: 'is not a field of this dataset' });
    }
  }
  return errors.length === before ? values : undefined;
}

function checkField(field: FieldSpec, value: unknown, row: number, errors: RowError[]): FieldValue {
  const fail = (reason: string): null => {
    errors.push({ row, field: field.name, reason });
    return null;
  };
  if (value === undefined || value === null || value === '') {
    return field.required ? fail('is required') : null;
  }
  const text = typeof value === 'string' ? value.trim() : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
  if (text === undefined) return fail(`must be a ${field.type}, not an object or list`);
  switch (field.type) {
    case 'bsn':
      return isValidBsn(text) ? text : fail('is not a valid BSN (nine digits passing the 11-proef)');
    case 'postcode':
      return POSTCODE.test(text) ? text.replace(' ', '').toUpperCase() : fail('must be a Dutch postcode like 1312AB');
    case 'integer': {
      if (!INTEGER.test(text)) return fail('must be a whole number');
      return inRange(field, Number(text), fail);
    }
    case 'number': {
      if (!NUMBER.test(text)) return fail('must be a number');
      return inRange(field, Number(text.replace(',', '.')), fail);
    }
    case 'date': {
      if (!DATE.test(text) || Number.isNaN(Date.parse(`${text}T00:00:00Z`)) || new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) !== text) {
        return fail('must be a date like 2026-10-31');
      }
      return text;
    }
    case 'boolean':
      if (['true', '1', 'ja', 'j'].includes(text.toLowerCase())) return true;
      if (['false', '0', 'nee', 'n'].includes(text.toLowerCase())) return false;
      return fail('must be true or false');
    case 'string': {
      if (text.length > field.maxLength) return fail(`must be at most ${field.maxLength} characters`);
      if (field.enum && !field.enum.includes(text)) return fail(`must be one of ${field.enum.join(', ')}`);
      if (field.pattern && !field.pattern.test(text)) return fail('does not have the declared format');
      return text;
    }
  }
}

function inRange(field: FieldSpec, n: number, fail: (reason: string) => null): number | null {
  if (field.min !== undefined && n < field.min) return fail(`must be at least ${field.min}`);
  if (field.max !== undefined && n > field.max) return fail(`must be at most ${field.max}`);
  return n;
}

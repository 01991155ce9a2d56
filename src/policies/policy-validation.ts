import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { EntryDir, ListFile, PolicyFiles, PolicySource } from './policy-files.js';
import {
  agreementSchema,
  clientSchema,
  datasetSchema,
  organisationSchema,
  purposeSchema,
  roleSchema,
  signalCategorySchema,
} from './policy-schemas.js';

/** A schema-checked entry and where it came from, so that later checks can name file and field. */
export interface Located<T> {
  readonly file: string;
  /** `[3]` for the 4th entry of a list file, empty for a one-entry file. */
  readonly path: string;
  readonly value: T;
}

export type Kind = 'organisation' | 'role' | 'purpose' | 'dataset' | 'agreement' | 'client' | 'signal category';

export interface ValidatedEntries {
  /** Entries that passed their schema, per kind. */
  readonly valid: ReadonlyMap<Kind, readonly Located<Record<string, unknown>>[]>;
  /**
   * Ids of every entry that has one, valid or not: a reference to an entry that is broken for another
   * reason is not reported a second time as "unknown".
   */
  readonly ids: ReadonlyMap<Kind, ReadonlySet<string>>;
  readonly problems: readonly string[];
}

const LIST_KINDS: readonly (readonly [ListFile, Kind])[] = [
  ['organisations.yaml', 'organisation'],
  ['roles.yaml', 'role'],
  ['purposes.yaml', 'purpose'],
  ['signal-categories.yaml', 'signal category'],
];
const DIR_KINDS: readonly (readonly [EntryDir, Kind])[] = [
  ['datasets', 'dataset'],
  ['agreements', 'agreement'],
  ['clients', 'client'],
];

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
(addFormatsModule as unknown as (a: Ajv, formats: string[]) => void)(ajv, ['date']);

const VALIDATORS: Readonly<Record<Kind, ValidateFunction>> = {
  organisation: ajv.compile(organisationSchema),
  role: ajv.compile(roleSchema),
  purpose: ajv.compile(purposeSchema),
  dataset: ajv.compile(datasetSchema),
  agreement: ajv.compile(agreementSchema),
  client: ajv.compile(clientSchema),
  'signal category': ajv.compile(signalCategorySchema),
};

/** Checks every parsed file against its kind's schema; collects every problem. */
export function validateEntries(files: PolicyFiles): ValidatedEntries {
  const problems: string[] = [];
  const valid = new Map<Kind, Located<Record<string, unknown>>[]>();
  const ids = new Map<Kind, Set<string>>();
  const add = (kind: Kind, file: string, entryPath: string, value: unknown): void => {
    const id = (value as { id?: unknown } | null)?.id;
    if (typeof id === 'string') getOrCreate(ids, kind, () => new Set<string>()).add(id);
    const list = getOrCreate(valid, kind, () => []);
    if (check(kind, file, entryPath, value, problems)) list.push({ file, path: entryPath, value: value as Record<string, unknown> });
  };

  for (const [name, kind] of LIST_KINDS) {
    const source = files.lists.get(name);
    for (const [index, item] of listItems(source, problems)) add(kind, name, `[${index}]`, item);
  }
  for (const [dir, kind] of DIR_KINDS) {
    for (const source of files.entries.get(dir) ?? []) {
      if (source.data !== undefined) add(kind, source.file, '', source.data);
    }
  }
  return { valid, ids, problems };
}

function listItems(source: PolicySource | undefined, problems: string[]): [number, unknown][] {
  if (source === undefined || source.data === undefined) return [];
  if (!Array.isArray(source.data)) {
    problems.push(`${source.file}: must be a list of entries`);
    return [];
  }
  return source.data.map((item, index): [number, unknown] => [index, item]);
}

function check(kind: Kind, file: string, entryPath: string, value: unknown, problems: string[]): boolean {
  const validate = VALIDATORS[kind];
  if (validate(value)) return true;
  for (const error of validate.errors ?? []) problems.push(describe(file, entryPath, error, value));
  return false;
}

/** `/datasets/1` → `datasets[1]`; keys that must or must not be there name themselves. */
function describe(file: string, entryPath: string, error: ErrorObject, root: unknown): string {
  const segments = error.instancePath.split('/').slice(1).map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
  let message = error.message ?? 'is invalid';
  if (error.keyword === 'required') {
    segments.push(String(error.params.missingProperty));
    message = 'is required';
  } else if (error.keyword === 'additionalProperties') {
    segments.push(String(error.params.additionalProperty));
    message = 'is not a known key';
  } else {
    const value = segments.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], root);
    if (error.keyword === 'enum') {
      message = `must be one of ${(error.params.allowedValues as unknown[]).join(', ')}`;
    } else if (error.keyword === 'format' && error.params.format === 'date') {
      message = 'must be a real date written YYYY-MM-DD';
    }
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) message += ` (got ${JSON.stringify(value)})`;
  }
  const field = segments.reduce((acc, s) => (/^\d+$/.test(s) ? `${acc}[${s}]` : acc === '' ? s : `${acc}.${s}`), entryPath);
  return field === '' ? `${file}: ${message}` : `${file}: ${field}: ${message}`;
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}

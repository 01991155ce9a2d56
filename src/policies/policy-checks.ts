import { createPublicKey, type JsonWebKey } from 'node:crypto';
import type { Agreement, ClientDefinition, DatasetDefinition, RoleDefinition, SignalCategory } from './policy-set.js';
import type { Kind, Located } from './policy-validation.js';

/**
 * Checks between policy files, run on entries that passed their schema. Each check returns its
 * problems (file: field: message) so that the loader can report all of them at once.
 */

export type KnownIds = ReadonlyMap<Kind, ReadonlySet<string>>;

/** JWK members that only private or symmetric keys have (RFC 7517/7518/8037). */
const SECRET_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

function at(entry: Located<unknown>, field: string): string {
  const where = entry.path === '' ? field : field.startsWith('[') ? `${entry.path}${field}` : `${entry.path}.${field}`;
  return `${entry.file}: ${where}`;
}

function known(ids: KnownIds, kind: Kind, id: string): boolean {
  return ids.get(kind)?.has(id) ?? false;
}

export function checkUniqueIds(kind: Kind, entries: readonly Located<{ readonly id: string }>[]): string[] {
  const first = new Map<string, Located<unknown>>();
  const problems: string[] = [];
  for (const entry of entries) {
    const earlier = first.get(entry.value.id);
    if (earlier === undefined) first.set(entry.value.id, entry);
    else problems.push(`${at(entry, 'id')}: duplicate ${kind} id "${entry.value.id}" (also in ${earlier.path === '' ? earlier.file : `${earlier.file}: ${earlier.path}`})`);
  }
  return problems;
}

export function checkDataset(entry: Located<DatasetDefinition>, ids: KnownIds): string[] {
  return known(ids, 'organisation', entry.value.supplier) ? [] : [`${at(entry, 'supplier')}: unknown organisation "${entry.value.supplier}"`];
}

export function checkAgreement(
  entry: Located<Agreement>,
  ids: KnownIds,
  datasets: ReadonlyMap<string, DatasetDefinition>,
): string[] {
  const { partner, validFrom, validTo } = entry.value;
  const problems: string[] = [];
  if (!known(ids, 'organisation', partner)) problems.push(`${at(entry, 'partner')}: unknown organisation "${partner}"`);
  entry.value.datasets.forEach((id, i) => {
    const dataset = datasets.get(id);
    if (!known(ids, 'dataset', id)) problems.push(`${at(entry, `datasets[${i}]`)}: unknown dataset "${id}"`);
    else if (dataset !== undefined && dataset.supplier !== partner) {
      problems.push(`${at(entry, `datasets[${i}]`)}: dataset "${id}" is supplied by ${dataset.supplier}, not by the partner ${partner}`);
    }
  });
  entry.value.purposes.forEach((id, i) => {
    if (!known(ids, 'purpose', id)) problems.push(`${at(entry, `purposes[${i}]`)}: unknown purpose "${id}"`);
  });
  if (validTo !== null && validTo < validFrom) {
    problems.push(`${at(entry, 'validTo')}: ${validTo} is before validFrom ${validFrom}`);
  }
  return problems;
}

export function checkRole(entry: Located<RoleDefinition>, roles: ReadonlyMap<string, RoleDefinition>, ids: KnownIds): string[] {
  const problems: string[] = [];
  entry.value.incompatibleWith.forEach((other, i) => {
    const field = at(entry, `incompatibleWith[${i}]`);
    const otherRole = roles.get(other);
    if (other === entry.value.id) problems.push(`${field}: a role cannot be incompatible with itself`);
    else if (!known(ids, 'role', other)) problems.push(`${field}: unknown role "${other}"`);
    else if (otherRole !== undefined && !otherRole.incompatibleWith.includes(entry.value.id)) {
      problems.push(`${field}: ${entry.value.id} is incompatible with ${other}, but ${other} does not list ${entry.value.id} (must be symmetric)`);
    }
  });
  return problems;
}

export function checkClient(entry: Located<ClientDefinition>, roles: ReadonlyMap<string, RoleDefinition>, ids: KnownIds): string[] {
  const { organisation } = entry.value;
  const problems: string[] = [];
  if (!known(ids, 'organisation', organisation)) problems.push(`${at(entry, 'organisation')}: unknown organisation "${organisation}"`);
  entry.value.roles.forEach((role, i) => {
    if (!known(ids, 'role', role)) problems.push(`${at(entry, `roles[${i}]`)}: unknown role "${role}"`);
    const clash = entry.value.roles.slice(0, i).find((earlier) => roles.get(earlier)?.incompatibleWith.includes(role));
    if (clash !== undefined) {
      problems.push(`${at(entry, `roles[${i}]`)}: roles ${clash} and ${role} cannot be combined (separation of duties)`);
    }
  });
  entry.value.keys.forEach((key, i) => problems.push(...checkPublicJwk(key, at(entry, `keys[${i}]`))));
  return problems;
}

/** A key in the repository must be a public key: private or symmetric material is refused outright. */
export function checkPublicJwk(key: Readonly<Record<string, unknown>>, field: string): string[] {
  const secret = SECRET_JWK_MEMBERS.filter((member) => member in key);
  if (secret.length > 0) {
    return secret.map((m) => `${field}.${m}: private or symmetric key material must never be in the repository; register the public JWK only`);
  }
  try {
    createPublicKey({ key: key as JsonWebKey, format: 'jwk' });
    return [];
  } catch (error) {
    return [`${field}: not a valid public JWK (${(error as Error).message})`];
  }
}

/** The purposes a signal category may be read for must exist. */
export function checkSignalCategory(entry: Located<SignalCategory>, ids: KnownIds): string[] {
  return (entry.value.readableFor ?? []).flatMap((id, i) =>
    known(ids, 'purpose', id) ? [] : [`${at(entry, `readableFor[${i}]`)}: unknown purpose "${id}"`],
  );
}

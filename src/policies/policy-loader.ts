import path from 'node:path';
import { checkAgreement, checkClient, checkDataset, checkRole, checkSignalCategory, checkUniqueIds } from './policy-checks.js';
import { PolicyError } from './policy-error.js';
import { readPolicyFiles } from './policy-files.js';
import type {
  Agreement,
  ClientDefinition,
  DatasetDefinition,
  Organisation,
  PolicySet,
  Purpose,
  RoleDefinition,
  SignalCategory,
} from './policy-set.js';
import { type Kind, type Located, validateEntries } from './policy-validation.js';

export { PolicyError } from './policy-error.js';

/** Count threshold of a purpose that does not state one (DESIGN.md decision 5). */
export const DEFAULT_K = 10;

/**
 * Reads, schema-checks and cross-checks every file under `dir` (see policies/README.md) and returns
 * the policies as plain, frozen data. Any problem stops loading: a PolicyError lists all of them.
 */
export function loadPolicies(dir: string): PolicySet {
  const files = readPolicyFiles(dir);
  const entries = validateEntries(files);
  const of = <T>(kind: Kind): readonly Located<T>[] => (entries.valid.get(kind) ?? []) as unknown as readonly Located<T>[];

  const organisations = of<Organisation>('organisation');
  const roles = of<RoleDefinition>('role');
  const purposes = of<Purpose>('purpose');
  const datasets = of<DatasetDefinition>('dataset');
  const agreements = of<Agreement>('agreement');
  const clients = of<ClientDefinition>('client');
  const signalCategories = of<SignalCategory>('signal category');

  const roleById = byId(roles);
  const datasetById = byId(datasets);
  const problems = [
    ...files.problems,
    ...entries.problems,
    ...checkUniqueIds('organisation', organisations),
    ...checkUniqueIds('role', roles),
    ...checkUniqueIds('purpose', purposes),
    ...checkUniqueIds('dataset', datasets),
    ...checkUniqueIds('agreement', agreements),
    ...checkUniqueIds('client', clients),
    ...checkUniqueIds('signal category', signalCategories),
    ...roles.flatMap((r) => checkRole(r, roleById, entries.ids)),
    ...datasets.flatMap((d) => checkDataset(d, entries.ids)),
    ...agreements.flatMap((a) => checkAgreement(a, entries.ids, datasetById)),
    ...clients.flatMap((c) => checkClient(c, roleById, entries.ids)),
    ...signalCategories.flatMap((c) => checkSignalCategory(c, entries.ids)),
  ];
  if (problems.length > 0) throw new PolicyError(problems, path.relative(process.cwd(), dir) || dir);

  return deepFreeze({
    organisations: values(organisations),
    roles: values(roles),
    purposes: values(purposes).map((p) => ({ ...p, k: p.k ?? DEFAULT_K })),
    datasets: values(datasets),
    agreements: values(agreements),
    clients: values(clients),
    signalCategories: values(signalCategories),
    hash: files.hash,
  });
}

function values<T>(entries: readonly Located<T>[]): T[] {
  return entries.map((e) => e.value);
}

function byId<T extends { readonly id: string }>(entries: readonly Located<T>[]): Map<string, T> {
  return new Map(entries.map((e) => [e.value.id, e.value]));
}

/** The policies are shared by every request: nothing may change them after loading. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

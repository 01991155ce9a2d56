import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';

/** Files holding a list of entries, one file per kind. */
export const LIST_FILES = ['organisations.yaml', 'roles.yaml', 'purposes.yaml', 'signal-categories.yaml'] as const;
/** Directories holding one entry per `.yaml` file. */
export const ENTRY_DIRS = ['datasets', 'agreements', 'clients'] as const;

export type ListFile = (typeof LIST_FILES)[number];
export type EntryDir = (typeof ENTRY_DIRS)[number];

/** One parsed policy file; `data` is undefined when the file could not be parsed. */
export interface PolicySource {
  /** Path relative to the policies directory, with `/` separators. */
  readonly file: string;
  readonly data: unknown;
}

export interface PolicyFiles {
  readonly lists: ReadonlyMap<ListFile, PolicySource>;
  readonly entries: ReadonlyMap<EntryDir, readonly PolicySource[]>;
  readonly hash: string;
  readonly problems: readonly string[];
}

interface RawFile {
  readonly file: string;
  readonly bytes: Buffer;
}

/**
 * Reads every policy file under `dir` and parses it as YAML. Missing list files, stray files in the
 * entry directories and syntax errors become problems; nothing is thrown here.
 */
export function readPolicyFiles(dir: string): PolicyFiles {
  const problems: string[] = [];
  const raw: RawFile[] = [];
  const lists = new Map<ListFile, PolicySource>();
  const entries = new Map<EntryDir, PolicySource[]>();

  for (const name of LIST_FILES) {
    const file = readOne(dir, name, problems);
    if (file) {
      raw.push(file);
      lists.set(name, parseSource(file, problems));
    }
  }
  for (const sub of ENTRY_DIRS) {
    const files = listEntryFiles(dir, sub, problems).map((name) => readOne(dir, `${sub}/${name}`, problems));
    const read = files.filter((f): f is RawFile => f !== undefined);
    raw.push(...read);
    entries.set(sub, read.map((f) => parseSource(f, problems)));
  }
  return { lists, entries, hash: hashFiles(raw), problems };
}

/** SHA-256 over the sorted relative paths and bytes; lengths are included so boundaries are unambiguous. */
export function hashFiles(files: readonly RawFile[]): string {
  const hash = createHash('sha256');
  for (const { file, bytes } of [...files].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))) {
    hash.update(`${file}\0${bytes.length}\0`);
    hash.update(bytes);
  }
  return hash.digest('hex');
}

function readOne(dir: string, file: string, problems: string[]): RawFile | undefined {
  const full = path.join(dir, ...file.split('/'));
  if (!existsSync(full)) {
    problems.push(`${file}: file is missing`);
    return undefined;
  }
  try {
    return { file, bytes: readFileSync(full) };
  } catch (error) {
    problems.push(`${file}: cannot be read (${(error as Error).message})`);
    return undefined;
  }
}

/** The `.yaml` files of an entry directory (which may be absent: no entries of that kind). */
function listEntryFiles(dir: string, sub: string, problems: string[]): string[] {
  const full = path.join(dir, sub);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) {
    problems.push(`${sub}: must be a directory`);
    return [];
  }
  const names = readdirSync(full).sort();
  for (const name of names.filter((n) => !n.endsWith('.yaml') && !n.startsWith('.'))) {
    // A policy that is silently not read is worse than a refused start.
    problems.push(`${sub}/${name}: only .yaml files are read here; rename or remove it`);
  }
  return names.filter((n) => n.endsWith('.yaml'));
}

function parseSource({ file, bytes }: RawFile, problems: string[]): PolicySource {
  const document = parseDocument(bytes.toString('utf8'), { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    for (const error of document.errors) {
      const where = error.linePos ? `line ${error.linePos[0].line}: ` : '';
      problems.push(`${file}: ${where}invalid YAML (${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')})`);
    }
    return { file, data: undefined };
  }
  return { file, data: document.toJS() as unknown };
}

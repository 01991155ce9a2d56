import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Principal } from '../../src/auth/principal.js';
import { projectRoot } from '../../src/common/project-root.js';

/** The small, hand-checked policy set of test/fixtures/policies. */
export const FIXTURE_POLICIES = path.join(projectRoot(), 'test', 'fixtures', 'policies');

/** A principal for decisions; a person of the gemeente with no roles unless told. */
export function aPrincipal(overrides: Partial<Principal> = {}): Principal {
  return {
    kind: 'person',
    id: 'employee-1',
    organisation: 'gemeente',
    roles: [],
    purposes: [],
    tokenId: 'jti-1',
    ...overrides,
  };
}

/** A throw-away copy of the fixture policies that a test may break. */
export class PolicyCopy {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'policies-'));

  constructor(source: string = FIXTURE_POLICIES) {
    cpSync(source, this.dir, { recursive: true });
  }

  read(file: string): string {
    return readFileSync(path.join(this.dir, file), 'utf8');
  }

  write(file: string, text: string): this {
    writeFileSync(path.join(this.dir, file), text);
    return this;
  }

  /** Replaces `from` (which must occur) in `file`. */
  edit(file: string, from: string | RegExp, to: string): this {
    const before = this.read(file);
    const after = before.replace(from, to);
    if (after === before) throw new Error(`${file} does not contain ${String(from)}`);
    return this.write(file, after);
  }

  remove(file: string): this {
    rmSync(path.join(this.dir, file), { recursive: true });
    return this;
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

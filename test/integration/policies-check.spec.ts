import { describe, expect, it } from '@jest/globals';
import { runPoliciesCheck } from '../../scripts/policies-check.js';
import { FIXTURE_POLICIES, PolicyCopy } from '../factories/policies.factory.js';

function run(args: string[]): { code: number; output: string } {
  const lines: string[] = [];
  const code = runPoliciesCheck(args, (line) => lines.push(line), new Date('2026-11-24T12:00:00Z'));
  return { code, output: lines.join('\n') };
}

describe('policies-check', () => {
  it('prints the effective matrix of valid policies', () => {
    const { code, output } = run([FIXTURE_POLICIES]);
    expect(code).toBe(0);
    expect(output).toContain('valid (sha256 ');
    expect(output).toMatch(/^analyst\s+wijkaanpak\s+street k10\s+street k10\s+buurt k20$/m);
    expect(output).toMatch(/^analyst\s+monitoring\s+wijk k12\s+-\s+wijk k20$/m);
    expect(output).toMatch(/^corporatie\s+huur\s+agreement:corporatie-huur$/m);
  });

  it('prints the matrix of another day', () => {
    const { output } = run([FIXTURE_POLICIES, '--at', '2026-11-25']);
    expect(output).toMatch(/^analyst\s+wijkaanpak\s+street k10\s+-\s+buurt k20$/m);
    expect(output).toMatch(/^corporatie\s+huur\s+-$/m);
  });

  it('checks the real policies by default', () => {
    expect(run([]).code).toBe(0);
  });

  it('lists every problem and exits 1 when the policies are invalid', () => {
    const copy = new PolicyCopy();
    try {
      copy.edit('purposes.yaml', 'k: 12', 'k: 1').edit('agreements/politie-incidenten.yaml', 'datasets: [incidenten]', 'datasets: [incidentn]');
      const { code, output } = run([copy.dir]);
      expect(code).toBe(1);
      expect(output).toContain('2 problem(s)');
      expect(output).toContain('  - purposes.yaml: [2].k: must be >= 5 (got 1)');
      expect(output).toContain('  - agreements/politie-incidenten.yaml: datasets[0]: unknown dataset "incidentn"');
    } finally {
      copy.dispose();
    }
  });

  it('refuses a malformed date', () => {
    expect(run([FIXTURE_POLICIES, '--at', '24-11-2026']).code).toBe(2);
  });
});

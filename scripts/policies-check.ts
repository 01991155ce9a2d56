import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot } from '../src/common/project-root.js';
import { loadPolicies, PolicyError } from '../src/policies/policy-loader.js';
import { type EffectiveMatrix, effectiveMatrix } from '../src/policies/policy-matrix.js';
import type { PolicySet } from '../src/policies/policy-set.js';

/**
 * Checks the policy files and prints what they allow:
 *   node dist/scripts/policies-check.js [policies-dir] [--at YYYY-MM-DD]
 * Exit 0 when valid, 1 with every problem listed when not, 2 on a usage error.
 */
export function runPoliciesCheck(args: readonly string[], print: (line: string) => void, now: Date = new Date()): number {
  const atIndex = args.indexOf('--at');
  const atArg = atIndex >= 0 ? args[atIndex + 1] : undefined;
  const rest = atIndex >= 0 ? args.filter((_, i) => i !== atIndex && i !== atIndex + 1) : [...args];
  const at = atArg === undefined ? now : new Date(`${atArg}T12:00:00Z`);
  if ((atIndex >= 0 && !/^\d{4}-\d{2}-\d{2}$/.test(atArg ?? '')) || Number.isNaN(at.getTime()) || rest.length > 1) {
    print('usage: policies-check [policies-dir] [--at YYYY-MM-DD]');
    return 2;
  }
  const dir = path.resolve(rest[0] ?? path.join(projectRoot(), 'policies'));
  let policies: PolicySet;
  try {
    policies = loadPolicies(dir);
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    print(`${dir}: ${error.problems.length} problem(s)`);
    for (const problem of error.problems) print(`  - ${problem}`);
    return 1;
  }
  print(`${dir}: valid (sha256 ${policies.hash})`);
  print(
    `${policies.organisations.length} organisations, ${policies.roles.length} roles, ${policies.purposes.length} purposes, ` +
      `${policies.datasets.length} datasets, ${policies.agreements.length} agreements, ${policies.clients.length} clients`,
  );
  for (const line of formatMatrix(effectiveMatrix(policies, at), policies)) print(line);
  return 0;
}

export function formatMatrix(matrix: EffectiveMatrix, policies: PolicySet): string[] {
  const lines = ['', `Finest level and threshold k per role × purpose × dataset on ${matrix.day} (- = not allowed):`, ''];
  const datasets = policies.datasets.map((d) => d.id);
  const rows = [['role', 'purpose', ...datasets]];
  const keys = [...new Set(matrix.aggregates.map((c) => `${c.role}\u0000${c.purpose}`))];
  for (const key of keys) {
    const [role, purpose] = key.split('\u0000') as [string, string];
    const cells = datasets.map((dataset) => {
      const cell = matrix.aggregates.find((c) => c.role === role && c.purpose === purpose && c.dataset === dataset);
      return cell?.allowed ? `${cell.allowed.finest} k${cell.allowed.k}` : '-';
    });
    rows.push([role, purpose, ...cells]);
  }
  lines.push(...table(rows), '', `Deliveries on ${matrix.day} (create Batch):`, '');
  lines.push(...table([['organisation', 'dataset', 'allowed by'], ...matrix.supply.map((s) => [s.organisation, s.dataset, s.rule ?? '-'])]));
  lines.push('', 'Grants per role:', '');
  lines.push(...table([['role', 'grants'], ...policies.roles.map((r) => [r.id, r.grants.join(', ')])]));
  return lines;
}

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  const line = (row: readonly string[]): string => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = runPoliciesCheck(process.argv.slice(2), (line) => console.log(line));
}

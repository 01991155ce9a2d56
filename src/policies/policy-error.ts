/**
 * Thrown when `policies/` cannot be loaded; `problems` lists every problem at once, each naming the
 * file (relative to the policies directory) and the field, e.g.
 * `agreements/politie.yaml: datasets[1]: unknown dataset "incidentn"`.
 */
export class PolicyError extends Error {
  constructor(
    readonly problems: readonly string[],
    dir = 'policies',
  ) {
    super(`Invalid policies in ${dir}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PolicyError';
  }
}

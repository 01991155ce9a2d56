import type { PolicySet } from './policy-set.js';

/**
 * The policies in force, loaded and checked once at start-up (policies.module.ts). Holds plain,
 * frozen data; what is allowed on a given day is computed per request from it.
 */
export class PolicyStore {
  constructor(readonly policies: PolicySet) {}

  /** SHA-256 of the policy files, recorded with every decision. */
  get hash(): string {
    return this.policies.hash;
  }
}

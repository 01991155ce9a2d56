import { Injectable } from '@nestjs/common';
import { PolicyError } from '../policies/policy-error.js';
import { PolicyStore } from '../policies/policy-store.js';
import { compileDataset, type DatasetSpec } from './dataset-spec.js';

/**
 * Every declared dataset, compiled once at start-up. A declaration that does not compile stops the
 * gateway with every problem named by file and field, like any other policy problem.
 */
@Injectable()
export class DatasetCatalogue {
  private readonly specs = new Map<string, DatasetSpec>();

  constructor(store: PolicyStore) {
    const problems: string[] = [];
    for (const definition of store.policies.datasets) {
      const { spec, problems: found } = compileDataset(definition);
      for (const p of found) problems.push(`datasets/${definition.id}.yaml: ${p}`);
      if (spec) this.specs.set(spec.id, spec);
    }
    if (problems.length > 0) throw new PolicyError(problems);
  }

  get(id: string): DatasetSpec | undefined {
    return this.specs.get(id);
  }
}

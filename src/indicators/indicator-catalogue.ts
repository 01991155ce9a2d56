import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { parse } from 'yaml';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { DatasetCatalogue } from '../ingestion/dataset-catalogue.js';
import { PolicyError } from '../policies/policy-error.js';
import { compileIndicator, type IndicatorSpec } from './indicator-spec.js';

/** The indicators in `policies/indicators/`, checked at start-up against the declared datasets. */
@Injectable()
export class IndicatorCatalogue {
  private readonly specs = new Map<string, IndicatorSpec>();

  constructor(@Inject(APP_CONFIG) config: AppConfig, datasets: DatasetCatalogue) {
    const dir = path.join(config.policiesDir, 'indicators');
    const problems: string[] = [];
    const files = listYaml(dir);
    for (const file of files) {
      let raw: unknown;
      try {
        raw = parse(readFileSync(path.join(dir, file), 'utf8'));
      } catch {
        problems.push(`indicators/${file}: not valid YAML`);
        continue;
      }
      const { spec, problems: found } = compileIndicator((raw ?? {}) as Record<string, unknown>, (id) => datasets.get(id));
      for (const p of found) problems.push(`indicators/${file}: ${p}`);
      if (spec && this.specs.has(spec.id)) problems.push(`indicators/${file}: id: ${spec.id} is used twice`);
      if (spec) this.specs.set(spec.id, spec);
    }
    if (problems.length > 0) throw new PolicyError(problems);
  }

  get(id: string): IndicatorSpec | undefined {
    return this.specs.get(id);
  }

  all(): IndicatorSpec[] {
    return [...this.specs.values()];
  }
}

/** The YAML files of a directory, sorted; none when it does not exist. */
function listYaml(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  } catch {
    return [];
  }
}

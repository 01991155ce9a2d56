import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { projectRoot } from '../../src/common/project-root.js';
import { ENVIRONMENT, loadConfig } from '../../src/config/app-config.js';

const readme = readFileSync(path.join(projectRoot(), 'README.md'), 'utf8');

describe('README', () => {
  it('documents every environment variable with its default', () => {
    for (const variable of ENVIRONMENT) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${variable.name}\` |`));
      expect(row).toBeDefined();
      expect(row).toContain(variable.default.replace(/^\((.*)\)$/, '$1'));
    }
  });

  it('documents only variables the configuration reads', () => {
    const documented = [...readme.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(ENVIRONMENT.map((v) => v.name).sort());
  });

  it('states defaults that are the real defaults', () => {
    const config = loadConfig({}, '/x');
    expect(String(config.port)).toBe(ENVIRONMENT.find((v) => v.name === 'PORT')!.default);
    expect(String(config.http.bodyLimitBytes)).toBe(ENVIRONMENT.find((v) => v.name === 'HTTP_BODY_LIMIT_BYTES')!.default);
  });

  it('keeps the two-command quick start', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
  });
});

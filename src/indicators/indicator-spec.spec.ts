import { describe, expect, it } from '@jest/globals';
import { loadPolicies } from '../policies/policy-loader.js';
import { compileDataset } from '../ingestion/dataset-spec.js';
import { compileIndicator } from './indicator-spec.js';

const policies = loadPolicies('policies');
const datasets = (id: string) => {
  const definition = policies.datasets.find((d) => d.id === id);
  return definition && compileDataset(definition).spec;
};

const adults = {
  id: 'test-uitkeringen',
  title: 'Uitkeringen',
  unit: 'per100',
  population: { dataset: 'bevolking', count: 'persons', where: { geboortejaar: { min: 1958, max: 2007 } } },
  numerator: { dataset: 'uitkeringen', link: 'subject' },
};
const bands = [
  { id: '18-26', title: '18 tot 27', min: 1999, max: 2007 },
  { id: '27-44', title: '27 tot 45', min: 1981, max: 1998 },
  { id: '45-66', title: '45 tot 67', min: 1958, max: 1980 },
].sort((a, b) => a.min - b.min);

describe('an indicator breakdown', () => {
  it('is accepted when its ranges partition the population exactly', () => {
    const { spec, problems } = compileIndicator({ ...adults, breakdown: { id: 'leeftijd', title: 'Leeftijd', field: 'geboortejaar', categories: bands } }, datasets);
    expect(problems).toEqual([]);
    expect(spec?.breakdown).toEqual({ id: 'leeftijd', title: 'Leeftijd', field: 'geboortejaar', finestLevel: 'buurt', categories: bands });
  });

  it('is refused with every problem when its categories would not add up to the total', () => {
    const gap = [bands[0]!, { ...bands[1]!, min: bands[1]!.min + 1 }, { ...bands[2]!, max: 2010 }];
    const { spec, problems } = compileIndicator({ ...adults, breakdown: { id: 'leeftijd', title: 'Leeftijd', field: 'geboortejaar', finestLevel: 'pc6', categories: gap } }, datasets);
    expect(spec).toBeUndefined();
    expect(problems).toEqual(['breakdown.finestLevel: one of buurt, wijk, gemeente']);
    const second = compileIndicator({ ...adults, breakdown: { id: 'leeftijd', title: 'Leeftijd', field: 'geboortejaar', categories: gap } }, datasets);
    expect(second.problems).toEqual([
      'breakdown.categories[2].max: must be 2007, where the population ends',
      "breakdown.categories[1].min: must follow the previous category's max without gap or overlap",
    ]);
  });

  it('needs a population of persons and a whole-number field', () => {
    const households = { ...adults, population: { dataset: 'bevolking', count: 'households' }, numerator: { dataset: 'huurachterstand', link: 'address' } };
    const { problems } = compileIndicator({ ...households, breakdown: { id: 'x', title: 'X', field: 'huishoudtype', categories: bands } }, datasets);
    expect(problems).toEqual(['breakdown: needs a population counted in persons', 'breakdown.field: a whole-number attribute of the population dataset']);
  });
});

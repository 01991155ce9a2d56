import { describe, expect, it } from '@jest/globals';
import { singletonRow, tauArgus2x2 } from '../../test/fixtures/disclosure/literature.js';
import { derivable, derivableCells } from '../../test/fixtures/disclosure/rank-check.js';
import { buildStructure } from './cube-structure.js';
import { primarySuppression } from './primary-rules.js';
import { secondarySuppression } from './secondary-suppression.js';

const published = (decisions: Map<string, { status: string }>): string[] =>
  [...decisions].filter(([, d]) => d.status === 'published').map(([id]) => id);

describe('secondarySuppression', () => {
  it('hides the smallest sibling of a lone primary cell and keeps the total', () => {
    const cells = [
      { id: 'total', value: 40 },
      { id: 'a', value: 3 },
      { id: 'b', value: 12 },
      { id: 'c', value: 25 },
    ];
    const constraints = [{ total: 'total', parts: ['a', 'b', 'c'] }];
    const decisions = secondarySuppression(cells, constraints, primarySuppression(cells, { k: 10 }));
    expect(decisions.get('b')).toEqual({ status: 'secondary', rule: 'secondary:linear' });
    expect(published(decisions).sort()).toEqual(['c', 'total']);
    expect(derivableCells(published(decisions), constraints, cells.map((c) => c.id))).toEqual([]);
  });

  it('suppresses a third cell when one of two suppressed cells in a row is a single person', () => {
    const { cells, constraints } = singletonRow;
    const primary = primarySuppression(cells, { k: 10 });
    const plain = secondarySuppression(cells, constraints, primary, { singletonProtection: false });
    expect(published(plain).sort()).toEqual(['c', 'd', 'row']);
    // The person in `a` knows a = 1 and would read b off the row total.
    expect(derivable('b', [...published(plain), 'a'], constraints, cells.map((c) => c.id))).toBe(true);

    const safe = secondarySuppression(cells, constraints, primary);
    expect(safe.get('c')).toEqual({ status: 'secondary', rule: 'secondary:singleton' });
    expect(derivable('b', [...published(safe), 'a'], constraints, cells.map((c) => c.id))).toBe(false);
  });

  it('protects cells the audit forced, as it protects primary cells', () => {
    const cells = [
      { id: 'total', value: 60 },
      { id: 'a', value: 15 },
      { id: 'b', value: 20 },
      { id: 'c', value: 25 },
    ];
    const constraints = [{ total: 'total', parts: ['a', 'b', 'c'] }];
    const decisions = secondarySuppression(cells, constraints, primarySuppression(cells, { k: 10 }), { forced: ['a'] });
    expect(decisions.get('a')).toEqual({ status: 'secondary', rule: 'secondary:audit' });
    expect(decisions.get('b')?.status).toBe('secondary');
  });

  it('treats a crossed table as sums of its inner cells, and rejects inconsistent decompositions', () => {
    const structure = buildStructure(
      ['t', 'r1', 'r2', 'c1', 'c2', 'x11', 'x12', 'x21', 'x22'].map((id) => ({ id, value: 0 })),
      tauArgus2x2.constraints,
    );
    expect(structure.innerCount).toBe(4);
    expect(structure.vectors[structure.index.get('t')!]).toEqual([0, 1, 2, 3]);
    expect(() =>
      buildStructure(
        ['t', 'a', 'b'].map((id) => ({ id, value: 0 })),
        [
          { total: 't', parts: ['a', 'b'] },
          { total: 't', parts: ['a'] },
        ],
      ),
    ).toThrow(/inconsistently/);
  });
});

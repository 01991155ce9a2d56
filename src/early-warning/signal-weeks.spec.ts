import { describe, expect, it } from '@jest/globals';
import { isoWeeks } from './signal-weeks.service.js';

describe('isoWeeks', () => {
  it('lists the Mondays (UTC) of the weeks ending with the one a moment falls in, oldest first', () => {
    // 2025-01-01 is a Wednesday; its ISO week starts Monday 2024-12-30.
    expect(isoWeeks(new Date('2025-01-01T15:00:00Z'), 3)).toEqual(['2024-12-16', '2024-12-23', '2024-12-30']);
  });

  it('gives the same Mondays from any moment of a week, across a DST change', () => {
    for (const moment of ['2025-03-24T00:00:00Z', '2025-03-26T12:00:00Z', '2025-03-30T23:59:59Z']) {
      expect(isoWeeks(new Date(moment), 2)).toEqual(['2025-03-17', '2025-03-24']);
    }
  });
});

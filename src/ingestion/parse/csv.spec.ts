import { Readable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import type { RowError } from '../row-validator.js';
import { parseCsv, splitRecord } from './csv.js';

async function collect(chunks: string[]) {
  const errors: RowError[] = [];
  const rows = [];
  for await (const row of parseCsv(Readable.from(chunks.map((c) => Buffer.from(c))), errors)) rows.push(...row);
  return { rows, errors };
}

describe('parseCsv', () => {
  it('reads ; and , separated files, CRLF, BOM and quoted fields', async () => {
    const semi = await collect(['\uFEFFa;b\r\n1;"x;y"\r\n2;"he said ""hi"""\r\n']);
    expect(semi.rows.map((r) => r.values)).toEqual([{ a: '1', b: 'x;y' }, { a: '2', b: 'he said "hi"' }]);
    const comma = await collect(['a,b\n1,2\n']);
    expect(comma.rows.map((r) => r.values)).toEqual([{ a: '1', b: '2' }]);
  });

  it('does not care where chunks split records, quotes or multi-byte characters', async () => {
    const text = 'naam;plaats\n"Ëlla\nnieuw";Zoë\nB;"C;D"\n';
    const bytes = Buffer.from(text);
    for (let split = 1; split < bytes.length; split++) {
      const errors: RowError[] = [];
      const rows = [];
      for await (const row of parseCsv(Readable.from([bytes.subarray(0, split), bytes.subarray(split)]), errors)) {
        rows.push(...row.map((r) => r.values));
      }
      expect(errors).toEqual([]);
      expect(rows).toEqual([{ naam: 'Ëlla\nnieuw', plaats: 'Zoë' }, { naam: 'B', plaats: 'C;D' }]);
    }
  });

  it('reports a wrong column count and bad quoting per row, and a truncated last line for the file', async () => {
    const { rows, errors } = await collect(['a;b\n1\n2;"x"y\n3;4\n4;"open']);
    expect(rows.map((r) => r.row)).toEqual([3]);
    expect(errors).toEqual([
      { row: 1, reason: 'has 1 columns where the header has 2' },
      { row: 2, reason: 'is not valid CSV (a quote in the wrong place)' },
      { row: 0, reason: 'the file ends inside a quoted field: the last line is truncated' },
    ]);
  });

  it('reports an empty file', async () => {
    expect((await collect([])).errors).toEqual([{ row: 0, reason: 'the file is empty: a header row is required' }]);
  });

  it('splits records exactly', () => {
    expect(splitRecord('a;;"";"b"', ';')).toEqual(['a', '', '', 'b']);
    expect(splitRecord('a"b;c', ';')).toBeUndefined();
    expect(splitRecord('"a"b;c', ';')).toBeUndefined();
  });
});

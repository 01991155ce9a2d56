import { Readable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import type { RowError } from '../row-validator.js';
import { parseJsonArray, parseNdjson } from './json.js';

async function run(parser: typeof parseNdjson, chunks: string[]) {
  const errors: RowError[] = [];
  const rows = [];
  for await (const row of parser(Readable.from(chunks.map((c) => Buffer.from(c))), errors)) rows.push(...row.map((r) => [r.row, r.values]));
  return { rows, errors };
}

describe('JSON bodies', () => {
  it('streams a JSON array of objects across any chunking, with strings holding brackets', async () => {
    const text = ' [ {"a": "x}]", "b": [1, {"c": 2}]}, {"a": "\\"y\\""} ] ';
    for (let split = 1; split < text.length; split++) {
      const { rows, errors } = await run(parseJsonArray, [text.slice(0, split), text.slice(split)]);
      expect(errors).toEqual([]);
      expect(rows).toEqual([[1, { a: 'x}]', b: [1, { c: 2 }] }], [2, { a: '"y"' }]]);
    }
  });

  it('reports elements that are not objects, and a truncated array', async () => {
    const { rows, errors } = await run(parseJsonArray, ['[{"a":1}, 5, {"b":2}']);
    expect(rows).toEqual([[1, { a: 1 }], [3, { b: 2 }]]);
    expect(errors).toEqual([
      { row: 2, reason: 'is not a JSON object' },
      { row: 0, reason: 'the JSON array is not closed: the body is truncated' },
    ]);
  });

  it('refuses a body that is not an array', async () => {
    expect((await run(parseJsonArray, ['{"a":1}'])).errors).toEqual([{ row: 0, reason: 'the body is not a JSON array' }]);
  });

  it('reads NDJSON, skipping blank lines and reporting bad ones', async () => {
    const { rows, errors } = await run(parseNdjson, ['{"a":1}\n\n{"a"', ':2}\r\nnope\n[1]']);
    expect(rows).toEqual([[1, { a: 1 }], [2, { a: 2 }]]);
    expect(errors).toEqual([
      { row: 3, reason: 'is not a JSON object' },
      { row: 4, reason: 'is not a JSON object' },
    ]);
  });
});

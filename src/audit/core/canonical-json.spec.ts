import { describe, expect, it } from '@jest/globals';
import { canonicalJson } from './canonical-json.js';

const fromBits = (hex: string): number => Buffer.from(hex, 'hex').readDoubleBE(0);

describe('canonicalJson (RFC 8785)', () => {
  // RFC 8785 Appendix B: IEEE-754 bit patterns and their canonical text.
  it.each([
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ])('serialises the number with bits %s as %s', (bits, text) => {
    expect(canonicalJson(fromBits(bits))).toBe(text);
  });

  it.each([['7fffffffffffffff'], ['7ff0000000000000'], ['fff0000000000000']])('rejects the non-finite number with bits %s', (bits) => {
    expect(() => canonicalJson({ x: fromBits(bits) })).toThrow(/not a JSON number/);
  });

  it('sorts keys by UTF-16 code units (RFC 8785 §3.2.3)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('reproduces the RFC 8785 §3.2.2 example', () => {
    const input: unknown = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    );
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('writes nested arrays and objects without whitespace, in array order, sorting nested keys', () => {
    expect(canonicalJson({ b: [3, { z: 1, a: [] }, 'x'], a: {} })).toBe('{"a":{},"b":[3,{"a":[],"z":1},"x"]}');
  });

  it('omits undefined members but refuses undefined array items', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(() => canonicalJson([1, undefined])).toThrow(/\$\[1\]: undefined/);
  });

  it.each([
    ['a function', { f: () => 1 }, /function is not a JSON value/],
    ['a bigint', { n: 1n }, /bigint is not a JSON value/],
    ['a symbol', { s: Symbol('x') }, /symbol is not a JSON value/],
    ['a Date', { d: new Date(0) }, /Date is not a plain JSON object/],
    ['a Buffer', { b: Buffer.from('x') }, /Buffer is not a plain JSON object/],
    ['a lone surrogate', { s: '\ud800' }, /lone surrogate/],
    ['undefined at the top', undefined, /undefined is not a JSON value/],
  ])('rejects %s', (_name, value, message) => {
    expect(() => canonicalJson(value)).toThrow(message);
  });

  it('rejects circular structures instead of overflowing the stack', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(() => canonicalJson(a)).toThrow(/circular/);
  });

  it('accepts the same object twice when it is not a cycle', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });

  it('is stable under a JSON round trip, whatever the key order', () => {
    const value = { z: [1.5, -0, 'é\n'], a: { y: null, x: true } };
    expect(canonicalJson(JSON.parse(JSON.stringify(value)))).toBe(canonicalJson({ a: { x: true, y: null }, z: [1.5, 0, 'é\n'] }));
  });

  it.each([
    ['numeric-looking keys, which engines enumerate first', { '10': 1, '2': 2, '1': 3, a: 4 }, '{"1":3,"10":1,"2":2,"a":4}'],
    ['keys already in order with an escape', { a: 'x"\n', b: ['\u0001'] }, '{"a":"x\\"\\n","b":["\\u0001"]}'],
    ['a literal backslash-u text', { a: '\\ud800' }, '{"a":"\\\\ud800"}'],
    ['an undefined member in sorted order', { a: undefined, b: 1 }, '{"b":1}'],
  ])('gives the same text whether or not keys arrive sorted: %s', (_name, value, text) => {
    expect(canonicalJson(value)).toBe(text);
  });

  it('rejects a lone surrogate even when the keys arrive sorted', () => {
    expect(() => canonicalJson({ a: 'x', b: 'y\udc00' })).toThrow(/\$\.b: string contains a lone surrogate/);
  });
});

import { describe, expect, it } from '@jest/globals';
import { ChainGraph, type ChainEdge, OPEN } from './chain-graph.js';

/**
 * The tree total = a + b + c, a = a1 + a2: node 0 is the total's constraint, node 1 a's.
 * Edges: 0 total (OPEN → 0), 1 a (0 ← 1), 2 b, 3 c (leaves of 0), 4 a1, 5 a2 (leaves of 1).
 */
const edges: ChainEdge[] = [
  { upper: OPEN, lower: 0, identity: 0 },
  { upper: 0, lower: 1, identity: 1 },
  { upper: 0, lower: OPEN, identity: 2 },
  { upper: 0, lower: OPEN, identity: 3 },
  { upper: 1, lower: OPEN, identity: 4 },
  { upper: 1, lower: OPEN, identity: 5 },
];

describe('ChainGraph', () => {
  it('refuses to publish the last cell that hides a protected one, and publishes what becomes derivable', () => {
    const graph = new ChainGraph(2, edges, new Map([[2, false]])); // b protected
    expect(graph.wouldReject(0)).toBeUndefined();
    expect(graph.remove(0)).toEqual([0]);
    expect(graph.wouldReject(3)).toBeUndefined();
    // total and c known: a + b known, so a (and with it a1 + a2) is all that still hides b.
    expect(graph.remove(3)).toEqual([3]);
    expect(graph.wouldReject(1)).toBe('secondary:linear');
    expect(graph.wouldReject(4)).toBeUndefined();
    // Publishing a1 leaves a2 in series with b: a2 must stay hidden, and a is then known only as a2 + a1.
    graph.remove(4);
    expect(graph.wouldReject(5)).toBe('secondary:linear');
    expect(graph.wouldReject(1)).toBe('secondary:linear');
  });

  it('counts a total with one part as the same number, and keeps a singleton from uncovering another cell', () => {
    // b is a singleton and c protected: once a is published, b and c are in series below the total.
    const graph = new ChainGraph(2, edges, new Map([[2, true], [3, false]]));
    graph.remove(4);
    expect(graph.isLive(4)).toBe(false);
    // a2 alone under a: a and a2 are now the same number, publishing either publishes both.
    expect(graph.wouldReject(5)).toBeUndefined();
    expect(graph.remove(5).sort()).toEqual([1, 5]);
    expect(graph.isLive(1)).toBe(false);
    // With the total known, b + c is known: the person in b would read c off it.
    expect(graph.wouldReject(0)).toBe('secondary:singleton');
  });

  it('rejects a constraint with a single cell', () => {
    expect(() => new ChainGraph(1, [{ upper: 0, lower: OPEN, identity: 0 }], new Map())).toThrow(/single cell/);
  });
});

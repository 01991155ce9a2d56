import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import {
  consistencyProof,
  consistencyProofFrom,
  inclusionProof,
  inclusionProofFrom,
  leafHash,
  MerkleAccumulator,
  rootFromLeafHashes,
  rootHash,
  subtreeRoot,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';

// The eight leaves of the certificate-transparency reference tests (hex-encoded leaf data).
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) =>
  Buffer.from(h, 'hex'),
);
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

/** RFC 6962 §2.1 written out naively, independent of the code under test. */
function naiveMth(data: readonly Buffer[]): Buffer {
  const sha = (...parts: Buffer[]): Buffer => createHash('sha256').update(Buffer.concat(parts)).digest();
  if (data.length === 0) return sha();
  if (data.length === 1) return sha(Buffer.from([0]), data[0]!);
  let k = 1;
  while (k * 2 < data.length) k *= 2;
  return sha(Buffer.from([1]), naiveMth(data.slice(0, k)), naiveMth(data.slice(k)));
}

const hex = (hashes: readonly Buffer[]): string[] => hashes.map((h) => h.toString('hex'));
const flip = (b: Buffer, at: number): Buffer => {
  const copy = Buffer.from(b);
  copy[at % copy.length]! ^= 0x01;
  return copy;
};
const leafData = (i: number): Buffer => Buffer.from(`leaf ${i}`);

describe('Merkle tree hash (RFC 6962 reference vectors)', () => {
  it.each(ROOTS.map((root, n) => [n, root] as const))('has the known root for the first %i leaves', (n, root) => {
    expect(naiveMth(LEAVES.slice(0, n)).toString('hex')).toBe(root);
    expect(rootHash(LEAVES.slice(0, n)).toString('hex')).toBe(root);
  });

  it('hashes leaves and nodes with domain separation', () => {
    expect(leafHash(Buffer.alloc(0)).toString('hex')).toBe(ROOTS[1]);
    expect(rootFromLeafHashes([]).toString('hex')).toBe(ROOTS[0]);
  });

  it.each([
    [0, 1, []],
    [0, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
    [5, 8, ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
    [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
    [1, 5, ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
  ])('gives the reference inclusion proof for leaf %i in a tree of %i', (index, size, expected) => {
    const hashes = LEAVES.map(leafHash);
    expect(hex(inclusionProof(hashes, index, size))).toEqual(expected);
    const proof = expected.map((h) => Buffer.from(h, 'hex'));
    expect(verifyInclusion(hashes[index]!, index, size, proof, Buffer.from(ROOTS[size]!, 'hex'))).toBe(true);
  });

  it.each([
    [1, 1, []],
    [1, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
    [6, 8, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
    [2, 5, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
  ])('gives the reference consistency proof from size %i to %i', (m, n, expected) => {
    const hashes = LEAVES.map(leafHash);
    expect(hex(consistencyProof(hashes, m, n))).toEqual(expected);
    const proof = expected.map((h) => Buffer.from(h, 'hex'));
    expect(verifyConsistency(m, n, Buffer.from(ROOTS[m]!, 'hex'), Buffer.from(ROOTS[n]!, 'hex'), proof)).toBe(true);
  });
});

describe('Merkle proofs (properties for every tree up to 70 leaves)', () => {
  const MAX = 70;
  const data = Array.from({ length: MAX }, (_, i) => leafData(i));
  const hashes = data.map(leafHash);
  const roots = Array.from({ length: MAX + 1 }, (_, n) => naiveMth(data.slice(0, n)));

  it('the accumulator gives the reference root at every size and resumes from its frontier', () => {
    const acc = MerkleAccumulator.empty();
    expect(acc.root()).toEqual(roots[0]);
    for (let n = 1; n <= MAX; n++) {
      acc.append(hashes[n - 1]!);
      expect(acc.root()).toEqual(roots[n]);
      expect(rootFromLeafHashes(hashes.slice(0, n))).toEqual(roots[n]);
      const resumed = MerkleAccumulator.fromFrontier(acc.frontier());
      if (n < MAX) resumed.append(hashes[n]!);
      expect(resumed.root()).toEqual(roots[Math.min(n + 1, MAX)]);
    }
  });

  // Each property collects the cases that came out wrong, so a failure names them all at once.
  it('every inclusion proof verifies, and fails with a flipped byte, another index or another size', () => {
    const wrong: string[] = [];
    const expectThat = (name: string, actual: boolean, expected: boolean): void => {
      if (actual !== expected) wrong.push(name);
    };
    for (let n = 1; n <= MAX; n++) {
      for (let i = 0; i < n; i++) {
        const leaf = hashes[i]!;
        const proof = inclusionProof(hashes, i, n);
        const at = `leaf ${i} of ${n}`;
        expectThat(`${at}: genuine`, verifyInclusion(leaf, i, n, proof, roots[n]!), true);
        for (let p = 0; p < proof.length; p++) {
          const tampered = proof.map((h, j) => (j === p ? flip(h, i + p) : h));
          expectThat(`${at}: proof element ${p} flipped`, verifyInclusion(leaf, i, n, tampered, roots[n]!), false);
        }
        expectThat(`${at}: leaf flipped`, verifyInclusion(flip(leaf, n), i, n, proof, roots[n]!), false);
        expectThat(`${at}: root flipped`, verifyInclusion(leaf, i, n, proof, flip(roots[n]!, i)), false);
        expectThat(`${at}: index + 1`, i + 1 < n && verifyInclusion(leaf, i + 1, n, proof, roots[n]!), false);
        expectThat(`${at}: index - 1`, i > 0 && verifyInclusion(leaf, i - 1, n, proof, roots[n]!), false);
        expectThat(`${at}: size + 1`, n < MAX && verifyInclusion(leaf, i, n + 1, proof, roots[n + 1]!), false);
        expectThat(`${at}: size - 1`, i < n - 1 && verifyInclusion(leaf, i, n - 1, proof, roots[n - 1]!), false);
        expectThat(`${at}: extra element`, verifyInclusion(leaf, i, n, [...proof, hashes[0]!], roots[n]!), false);
        expectThat(`${at}: element missing`, proof.length > 0 && verifyInclusion(leaf, i, n, proof.slice(1), roots[n]!), false);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('every consistency proof verifies, and fails with a flipped byte, another size or another root', () => {
    const wrong: string[] = [];
    const expectThat = (name: string, actual: boolean, expected: boolean): void => {
      if (actual !== expected) wrong.push(name);
    };
    for (let n = 1; n <= MAX; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = consistencyProof(hashes, m, n);
        const at = `${m} → ${n}`;
        expectThat(`${at}: genuine`, verifyConsistency(m, n, roots[m]!, roots[n]!, proof), true);
        for (let p = 0; p < proof.length; p++) {
          const tampered = proof.map((h, j) => (j === p ? flip(h, m + p) : h));
          expectThat(`${at}: proof element ${p} flipped`, verifyConsistency(m, n, roots[m]!, roots[n]!, tampered), false);
        }
        expectThat(`${at}: old root flipped`, verifyConsistency(m, n, flip(roots[m]!, n), roots[n]!, proof), false);
        expectThat(`${at}: new root flipped`, verifyConsistency(m, n, roots[m]!, flip(roots[n]!, m), proof), false);
        if (m === n) continue;
        expectThat(`${at}: old size + 1`, m + 1 < n && verifyConsistency(m + 1, n, roots[m + 1]!, roots[n]!, proof), false);
        expectThat(`${at}: old size - 1`, m > 1 && verifyConsistency(m - 1, n, roots[m - 1]!, roots[n]!, proof), false);
        expectThat(`${at}: new size + 1`, n < MAX && verifyConsistency(m, n + 1, roots[m]!, roots[n + 1]!, proof), false);
        expectThat(`${at}: new size - 1`, m < n - 1 && verifyConsistency(m, n - 1, roots[m]!, roots[n - 1]!, proof), false);
        expectThat(`${at}: empty proof`, verifyConsistency(m, n, roots[m]!, roots[n]!, []), false);
        expectThat(`${at}: extra element`, verifyConsistency(m, n, roots[m]!, roots[n]!, [...proof, hashes[0]!]), false);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('detects a forked history: a proof between two different logs does not verify', () => {
    const forked = hashes.map((h, i) => (i === 3 ? leafHash(Buffer.from('forged')) : h));
    const forkedRoot = rootFromLeafHashes(forked.slice(0, 10));
    expect(verifyConsistency(10, 20, forkedRoot, roots[20]!, consistencyProof(hashes, 10, 20))).toBe(false);
    expect(verifyConsistency(10, 20, forkedRoot, roots[20]!, consistencyProof(forked, 10, 20))).toBe(false);
  });

  it('treats the empty tree as consistent with any tree, and a tree with itself only when the roots agree', () => {
    expect(verifyConsistency(0, 5, roots[0]!, roots[5]!, [])).toBe(true);
    expect(verifyConsistency(5, 5, roots[5]!, roots[5]!, [])).toBe(true);
    expect(verifyConsistency(5, 5, roots[5]!, roots[6]!, [])).toBe(false);
    expect(verifyConsistency(6, 5, roots[6]!, roots[5]!, [])).toBe(false);
    expect(consistencyProof(hashes, 0, 5)).toEqual([]);
  });

  it('the subtree-source versions give the same proofs as the array versions', async () => {
    const source = (start: number, end: number): Promise<Buffer> => Promise.resolve(subtreeRoot(hashes, start, end));
    await expect(inclusionProofFrom(source, 13, 37)).resolves.toEqual(inclusionProof(hashes, 13, 37));
    await expect(consistencyProofFrom(source, 13, 37)).resolves.toEqual(consistencyProof(hashes, 13, 37));
  });

  it('rejects impossible requests instead of producing a proof', () => {
    expect(() => inclusionProof(hashes, 5, 5)).toThrow(RangeError);
    expect(() => inclusionProof(hashes, 0, MAX + 1)).toThrow(RangeError);
    expect(() => consistencyProof(hashes, 6, 5)).toThrow(RangeError);
    expect(verifyInclusion(hashes[0]!, 0, 0, [], roots[0]!)).toBe(false);
    expect(() => MerkleAccumulator.fromFrontier({ size: 3, hashes: [hashes[0]!] })).toThrow(RangeError);
  });
});

import { createHash, hash } from 'node:crypto';

/**
 * Merkle Tree Hash, proofs and their verification as in RFC 6962 §2.1 / RFC 9162 §2.1.
 *
 * Leaves and interior nodes are hashed with different prefixes (0x00, 0x01) so that an interior
 * node can never be passed off as a leaf (second-preimage attack). Sizes and indexes are plain
 * numbers: safe up to 2^53 leaves, so the bit tricks of the RFC are written with arithmetic, not
 * 32-bit operators.
 */

export const HASH_SIZE = 32;
const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

export function leafHash(data: Buffer): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(data).digest();
}

/** leafHash of UTF-8 text, as hex: the one-shot hash avoids a Hash object per event when streaming. */
export function leafHashOfText(text: string): string {
  return hash('sha256', `\u0000${text}`, 'hex');
}

// Interior hashes dominate an accumulator's cost; one reused input buffer and the one-shot hash
// halve it compared with createHash().update().update().update().
const nodeInput = Buffer.alloc(1 + 2 * HASH_SIZE, 0x01);

export function nodeHash(left: Buffer, right: Buffer): Buffer {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) {
    return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
  }
  left.copy(nodeInput, 1);
  right.copy(nodeInput, 1 + HASH_SIZE);
  return hash('sha256', nodeInput, 'buffer');
}

/** MTH({}) = SHA-256 of the empty string. */
export function emptyRoot(): Buffer {
  return createHash('sha256').digest();
}

/** MTH(D[n]) over leaf data (RFC 6962 §2.1). */
export function rootHash(leaves: readonly Buffer[]): Buffer {
  return rootFromLeafHashes(leaves.map(leafHash));
}

/** MTH over leaves that are already leaf-hashed — what the database stores. */
export function rootFromLeafHashes(leafHashes: readonly Buffer[]): Buffer {
  return leafHashes.length === 0 ? emptyRoot() : subtreeRoot(leafHashes, 0, leafHashes.length);
}

/** The largest power of two strictly less than n (n ≥ 2): where MTH splits a tree of n leaves. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH of leafHashes[start, end), end > start. */
export function subtreeRoot(leafHashes: readonly Buffer[], start: number, end: number): Buffer {
  if (end - start === 1) return leafAt(leafHashes, start);
  const k = splitPoint(end - start);
  return nodeHash(subtreeRoot(leafHashes, start, start + k), subtreeRoot(leafHashes, start + k, end));
}

function leafAt(leafHashes: readonly Buffer[], index: number): Buffer {
  const hash = leafHashes[index];
  if (hash === undefined) throw new RangeError(`no leaf hash at index ${index}`);
  return hash;
}

/** A subtree [start, end) whose root is one element of a proof. */
export interface Range {
  readonly start: number;
  readonly end: number;
}

/**
 * PATH(m, D[n]) of RFC 6962 §2.1.1 as the ranges whose roots form the proof, leaf to root.
 * Separating the shape from the hashing lets the same code serve an in-memory array and a
 * database that can fetch (or cache) subtree roots.
 */
export function inclusionProofRanges(index: number, treeSize: number): Range[] {
  assertSize(treeSize);
  if (!Number.isSafeInteger(index) || index < 0 || index >= treeSize) {
    throw new RangeError(`leaf index ${index} is outside a tree of ${treeSize}`);
  }
  const ranges: Range[] = [];
  let start = 0;
  let end = treeSize;
  // Walk from the root down, collecting the sibling at each level; reverse gives leaf-to-root order.
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (index < start + k) {
      ranges.push({ start: start + k, end });
      end = start + k;
    } else {
      ranges.push({ start, end: start + k });
      start += k;
    }
  }
  return ranges.reverse();
}

/** PROOF(m, D[n]) = SUBPROOF(m, D[n], true) of RFC 6962 §2.1.2, as ranges; empty when m is 0 or n. */
export function consistencyProofRanges(m: number, n: number): Range[] {
  assertSize(n);
  if (!Number.isSafeInteger(m) || m < 0 || m > n) throw new RangeError(`cannot prove size ${m} against size ${n}`);
  if (m === 0 || m === n) return [];
  const ranges: Range[] = [];
  let start = 0;
  let end = n;
  let complete = true; // the RFC's b: is the old tree's root the whole current subtree?
  while (m !== end) {
    const k = splitPoint(end - start);
    if (m - start <= k) {
      ranges.push({ start: start + k, end });
      end = start + k;
    } else {
      ranges.push({ start, end: start + k });
      start += k;
      complete = false;
    }
  }
  if (!complete) ranges.push({ start, end });
  return ranges.reverse();
}

export function inclusionProof(leafHashes: readonly Buffer[], index: number, treeSize: number): Buffer[] {
  assertAvailable(leafHashes, treeSize);
  return inclusionProofRanges(index, treeSize).map((r) => subtreeRoot(leafHashes, r.start, r.end));
}

export function consistencyProof(leafHashes: readonly Buffer[], m: number, n: number): Buffer[] {
  assertAvailable(leafHashes, n);
  return consistencyProofRanges(m, n).map((r) => subtreeRoot(leafHashes, r.start, r.end));
}

/** For a store that can answer "root of leaves [start, end)" (e.g. from a subtree cache). */
export type SubtreeRootSource = (start: number, end: number) => Promise<Buffer>;

/**
 * Appends leaf hashes one at a time and yields the root at any size, keeping only the roots of the
 * perfect subtrees that make up the tree so far (one per set bit of the size, largest first: the
 * "compact range" or frontier). That is O(log n) memory and one amortised hash per leaf, which is
 * what lets an auditor stream a million-event export instead of loading it.
 */
export class MerkleAccumulator {
  private constructor(
    private count: number,
    private readonly stack: Buffer[],
  ) {}

  static empty(): MerkleAccumulator {
    return new MerkleAccumulator(0, []);
  }

  /** Resumes from a stored frontier, e.g. the one the database keeps beside the latest checkpoint. */
  static fromFrontier(frontier: Frontier): MerkleAccumulator {
    assertSize(frontier.size);
    if (frontier.hashes.length !== bitCount(frontier.size) || !frontier.hashes.every(isHash)) {
      throw new RangeError(`a frontier for size ${frontier.size} needs ${bitCount(frontier.size)} hashes of ${HASH_SIZE} bytes`);
    }
    return new MerkleAccumulator(frontier.size, frontier.hashes.map((h) => Buffer.from(h)));
  }

  get size(): number {
    return this.count;
  }

  append(leaf: Buffer): void {
    if (!isHash(leaf)) throw new RangeError(`a leaf hash has ${HASH_SIZE} bytes`);
    let hash = leaf;
    // Each trailing 1 bit of the old size is a perfect subtree the new leaf completes a sibling for.
    for (let s = this.count; s % 2 === 1; s = (s - 1) / 2) hash = nodeHash(this.stack.pop()!, hash);
    this.stack.push(hash);
    this.count += 1;
  }

  /** MTH of everything appended so far: fold the frontier from the right, as MTH splits left-heavy. */
  root(): Buffer {
    if (this.stack.length === 0) return emptyRoot();
    let root = this.stack[this.stack.length - 1]!;
    for (let i = this.stack.length - 2; i >= 0; i--) root = nodeHash(this.stack[i]!, root);
    return root;
  }

  frontier(): Frontier {
    return { size: this.count, hashes: this.stack.map((h) => Buffer.from(h)) };
  }
}

export interface Frontier {
  readonly size: number;
  /** Roots of the perfect subtrees, largest (leftmost) first. */
  readonly hashes: readonly Buffer[];
}

function bitCount(n: number): number {
  let bits = 0;
  for (let s = n; s > 0; s = Math.floor(s / 2)) bits += s % 2;
  return bits;
}

export async function inclusionProofFrom(source: SubtreeRootSource, index: number, treeSize: number): Promise<Buffer[]> {
  return Promise.all(inclusionProofRanges(index, treeSize).map((r) => source(r.start, r.end)));
}

export async function consistencyProofFrom(source: SubtreeRootSource, m: number, n: number): Promise<Buffer[]> {
  return Promise.all(consistencyProofRanges(m, n).map((r) => source(r.start, r.end)));
}

/** RFC 9162 §2.1.3.2. */
export function verifyInclusion(leaf: Buffer, index: number, treeSize: number, proof: readonly Buffer[], root: Buffer): boolean {
  if (!isSize(treeSize) || !isSize(index) || index >= treeSize || !isHash(leaf) || !isHash(root)) return false;
  let fn = index;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0 || !isHash(p)) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      // Skip the levels where this node is a right-edge node with no sibling.
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/**
 * RFC 9162 §2.1.4.2. The RFC defines the algorithm for 0 < m < n; the edge cases follow the
 * transparency-dev implementation: the empty tree is consistent with every tree, and a tree is
 * consistent with itself only with an empty proof and equal roots.
 */
export function verifyConsistency(m: number, n: number, rootM: Buffer, rootN: Buffer, proof: readonly Buffer[]): boolean {
  if (!isSize(m) || !isSize(n) || m > n || !isHash(rootM) || !isHash(rootN)) return false;
  if (m === 0) return proof.length === 0;
  if (m === n) return proof.length === 0 && rootM.equals(rootN);
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(m) ? [rootM, ...proof] : [...proof];
  if (!path.every(isHash)) return false;
  let fn = m - 1;
  let sn = n - 1;
  while (fn % 2 === 1) {
    fn = (fn - 1) / 2;
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(rootM) && sr.equals(rootN);
}

function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}

function isSize(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

function isHash(hash: Buffer): boolean {
  return Buffer.isBuffer(hash) && hash.length === HASH_SIZE;
}

function assertSize(n: number): void {
  if (!isSize(n)) throw new RangeError(`invalid tree size ${n}`);
}

function assertAvailable(leafHashes: readonly Buffer[], treeSize: number): void {
  assertSize(treeSize);
  if (treeSize > leafHashes.length) throw new RangeError(`tree size ${treeSize} exceeds the ${leafHashes.length} leaf hashes given`);
}

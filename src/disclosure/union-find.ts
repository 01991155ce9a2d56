/** Union-find over 0..count−1 with path halving: which items a set of pairings makes one. */
export class UnionFind {
  private readonly parent: Int32Array;

  constructor(count: number) {
    this.parent = Int32Array.from({ length: count }, (_, i) => i);
  }

  union(a: number, b: number): void {
    this.parent[this.find(a)] = this.find(b);
  }

  find(a: number): number {
    while (this.parent[a] !== a) {
      this.parent[a] = this.parent[this.parent[a]!]!;
      a = this.parent[a]!;
    }
    return a;
  }
}

/**
 * Follows seq numbers line by line and names the first break in the 0, 1, 2, ... sequence.
 * A seq that jumps ahead is ambiguous until the next line: if the skipped seq turns up there the
 * rows were swapped, otherwise the skipped event is missing. Holding one pending jump is enough to
 * tell the two apart (for adjacent swaps and single deletions) without keeping the export in memory.
 */
export interface SequenceBreak {
  readonly seq: number;
  readonly line: number;
  readonly problem: string;
}

export class SequenceTracker {
  private expected = 0;
  private pending: { expected: number; found: number; line: number } | null = null;
  private broken = false;

  /** Returns the first break once it is known; afterwards only counts (one clear message beats many). */
  next(seq: number, line: number): SequenceBreak | null {
    if (this.broken) return null;
    const pending = this.pending;
    if (pending !== null) {
      this.pending = null;
      this.broken = true;
      if (seq < pending.found) {
        return {
          seq: pending.found,
          line: pending.line,
          problem: `rows out of order at line ${pending.line}: seq ${pending.found} comes before seq ${seq}`,
        };
      }
      return this.missing(pending);
    }
    if (seq === this.expected) {
      this.expected += 1;
      return null;
    }
    if (seq > this.expected) {
      this.pending = { expected: this.expected, found: seq, line };
      return null;
    }
    this.broken = true;
    const problem =
      seq === this.expected - 1
        ? `seq ${seq} appears twice (again at line ${line})`
        : `rows out of order at line ${line}: seq ${seq} comes after seq ${this.expected - 1}`;
    return { seq, line, problem };
  }

  /** At the end of the events: a jump on the very last line can only be a missing event. */
  end(): SequenceBreak | null {
    const pending = this.pending;
    this.pending = null;
    if (pending === null || this.broken) return null;
    this.broken = true;
    return this.missing(pending);
  }

  get intact(): boolean {
    return !this.broken && this.pending === null;
  }

  private missing(p: { expected: number; found: number; line: number }): SequenceBreak {
    const what = p.found - p.expected === 1 ? `seq ${p.expected} is missing` : `seq ${p.expected}..${p.found - 1} are missing`;
    return { seq: p.expected, line: p.line, problem: `${what}: line ${p.line} has seq ${p.found} (events were deleted)` };
  }
}

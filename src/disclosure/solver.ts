/**
 * The one place that loads HiGHS (WebAssembly). Loading compiles the Wasm module, so it happens once
 * per process; every solve afterwards is synchronous and uses a fresh native instance.
 */
import type { Highs } from 'highs';

type Loader = () => Promise<Highs>;
let loading: Promise<Highs> | undefined;

export function loadSolver(): Promise<Highs> {
  // highs is a CommonJS package with an ESM build: TypeScript types the import as the CJS namespace,
  // Node's `import` condition gives the ESM default. Accept either shape.
  loading ??= import('highs').then((module: unknown) => {
    const outer = (module as { default: Loader | { default: Loader } }).default;
    return (typeof outer === 'function' ? outer : outer.default)();
  });
  return loading;
}

export type LpSense = 'min' | 'max';

export interface LpOutcome {
  /** Optimal objective, or ±Infinity when unbounded in that direction. */
  value: number;
}

/** Solves one LP given in CPLEX LP format and returns its optimum (unbounded → ±Infinity). */
export function solveLp(highs: Highs, text: string, sense: LpSense): LpOutcome {
  const solution = highs.solve(text, { output_flag: false });
  switch (solution.Status) {
    case 'Optimal':
      return { value: solution.ObjectiveValue };
    case 'Unbounded':
      return { value: sense === 'max' ? Infinity : -Infinity };
    default:
      // Infeasible means the published table contradicts itself: never release on that.
      throw new Error(`audit LP ended with status ${solution.Status}`);
  }
}

import type { RouteConnection } from '../../../src/index.js';
import type { Cycle } from '../cycle.js';
import { SoakCheckError, type Tally } from '../tally.js';

/** A fault injected into a pod cycle after the pod is set up; `inside` is the pod's open connection. */
export interface Fault {
  name: string;
  /** Relative frequency among faulted cycles. */
  weight: number;
  run(c: Cycle, inside: RouteConnection): Promise<void>;
  /** Checks over all its cycles, once the soak ends (what no single cycle can tell); returns the problems found. */
  conclude?(tally: Tally): string[];
}

/** Fails the cycle: a call that should have been refused was accepted. */
export function refusedExpected(what: string): never {
  throw new SoakCheckError(`${what} was accepted; it should have been refused`);
}

// Every error the soak sees is sorted here: an nlkit error class the fault
// was expected to provoke is counted; anything else fails the soak.
import * as nlkit from '../../src/index.js';

type ErrorClass = abstract new (...args: never[]) => Error;

function errorClassesOf(module: Record<string, unknown>): ErrorClass[] {
  return Object.values(module).filter(
    (value): value is ErrorClass => typeof value === 'function' && value.prototype instanceof Error,
  );
}

/** Every error class nlkit's public entry exports (nftables' included): what "typed" means. */
export const TYPED_ERROR_CLASSES: readonly ErrorClass[] = [
  ...new Set([...errorClassesOf(nlkit as Record<string, unknown>), ...errorClassesOf(nlkit.nftables as Record<string, unknown>)]),
];

/** The nlkit class of `error`, or undefined when it is not one of nlkit's typed errors. */
export function typedClassName(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const own = TYPED_ERROR_CLASSES.find((c) => error.constructor === c) ?? TYPED_ERROR_CLASSES.find((c) => error instanceof c);
  return own?.name;
}

/** The library answered, but not what it should have (a wrong list, a missing effect). */
export class SoakCheckError extends Error {
  override readonly name = 'SoakCheckError';
}

export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new SoakCheckError(message);
}

export type FailureKind = 'untyped error' | 'unexpected typed error' | 'check failed' | 'unhandled rejection' | 'uncaught exception' | 'hang';

export interface FailureSample {
  kind: FailureKind;
  fault: string;
  cycle: number;
  message: string;
}

/** Failure samples kept per kind and fault, so one frequent problem cannot hide the others. */
const SAMPLES_PER_SOURCE = 3;

export class Tally {
  /** fault → outcome (nlkit class name) → count. */
  readonly errors = new Map<string, Map<string, number>>();
  /** fault → cycles that injected it. */
  readonly runs = new Map<string, number>();
  /** Free-form counters (EEXIST retries, inconsistent dumps returned, ...). */
  readonly notes = new Map<string, number>();
  readonly failureCounts = new Map<FailureKind, number>();
  /** `kind: fault` → count. */
  readonly failuresBySource = new Map<string, number>();
  readonly samples: FailureSample[] = [];

  ran(fault: string): void {
    this.runs.set(fault, (this.runs.get(fault) ?? 0) + 1);
  }

  note(what: string, by = 1): void {
    this.notes.set(what, (this.notes.get(what) ?? 0) + by);
  }

  /**
   * Counts `error` under `fault` when it is one of the `allowed` nlkit
   * classes (or any nlkit class, for 'typed'); rethrows it otherwise, so
   * the cycle fails and reports it.
   */
  expected(fault: string, error: unknown, allowed: readonly ErrorClass[] | 'typed'): void {
    const name = typedClassName(error);
    const ok = name !== undefined && (allowed === 'typed' || allowed.some((c) => error instanceof c));
    if (!ok) throw error;
    let byClass = this.errors.get(fault);
    if (!byClass) this.errors.set(fault, (byClass = new Map()));
    byClass.set(name, (byClass.get(name) ?? 0) + 1);
  }

  fail(kind: FailureKind, fault: string, cycle: number, error: unknown): void {
    this.failureCounts.set(kind, (this.failureCounts.get(kind) ?? 0) + 1);
    const source = `${kind}: ${fault}`;
    const seen = (this.failuresBySource.get(source) ?? 0) + 1;
    this.failuresBySource.set(source, seen);
    if (seen <= SAMPLES_PER_SOURCE) {
      const message = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack?.split('\n').slice(1, 6).join('\n') ?? ''}` : String(error);
      this.samples.push({ kind, fault, cycle, message });
    }
  }

  /** A cycle ended with `error` escaping it: sorts it into a failure kind. */
  cycleFailed(fault: string, cycle: number, error: unknown): void {
    const kind: FailureKind = error instanceof SoakCheckError
      ? 'check failed'
      : typedClassName(error) !== undefined ? 'unexpected typed error' : 'untyped error';
    this.fail(kind, fault, cycle, error);
  }

  get failures(): number {
    let total = 0;
    for (const n of this.failureCounts.values()) total += n;
    return total;
  }
}

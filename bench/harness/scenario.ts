// What a scenario is and what it reports. A scenario measures several
// implementations of the same work (nlkit and its baselines) and reports one
// row per metric; the JSON file is the list of these rows.

export type Better = 'higher' | 'lower';

/**
 * How a row is computed from the samples of every measured run pooled: a
 * percentile (0–100; 100 is the largest), or their mean or sum (a success
 * rate is the mean of one 0-or-100 sample per attempt, a count their sum).
 */
export type PooledStatistic = { sample: string; percentile: number } | { sample: string; statistic: 'mean' | 'sum' };

export interface MetricSpec {
  /** Short key, e.g. `cycle`; the row is named `<scenario>.<key>`. */
  key: string;
  unit: string;
  /** Whether a larger figure is better (rates) or a smaller one (latencies, delays). */
  better: Better;
  description: string;
  /**
   * A statistic over samples pooled from every measured run (per-pod
   * latencies, per-dump outcomes), instead of the median of one figure per run.
   */
  fromSamples?: PooledStatistic;
  /** No ratios for this row: it restates another row in other units (µs per request beside requests/s). */
  noRatios?: boolean;
}

/** Checks a run's effect in the kernel; a failed check marks the implementation unverified. */
export interface Verifier {
  check(condition: boolean, message: string): void;
}

export interface RunInfo {
  /** 0-based; warm-up rounds come first and are numbered too. */
  round: number;
  warmup: boolean;
  verify: Verifier;
}

export interface RunOutput {
  /** One figure per metric key for this run. */
  metrics: Record<string, number>;
  /** Raw samples (e.g. per-pod latencies in ms), pooled across runs for `fromSamples` metrics. */
  samples?: Record<string, number[]>;
}

export interface Implementation {
  /** `nlkit`, `nlkit-async`, `ip-fork`, `ip-batch`, `raw-syscall`, ... */
  name: string;
  /** Set when this implementation cannot express the scenario: reported as `n/a: reason`. */
  notApplicable?: string;
  /** Metrics this implementation does not produce, with the reason. */
  metricNotApplicable?: Record<string, string>;
  /** Untimed, once before the first run (start workers, build inputs). */
  prepare?(): Promise<void> | void;
  run(info: RunInfo): Promise<RunOutput> | RunOutput;
  /** Untimed, once after the last run, also after a failure (even one in `prepare`). */
  dispose?(): Promise<void> | void;
}

export interface RunRecord {
  round: number;
  implementation: string;
  value: number;
}

/** One metric of one scenario: the unit of the JSON file, the table and the chart. */
export interface ScenarioRow {
  /** `<scenario>.<metric>`, e.g. `churn.cycle`. */
  name: string;
  scenario: string;
  metric: string;
  unit: string;
  better: Better;
  description: string;
  /** Median over measured runs (or a pooled statistic); null when not available. */
  results: Record<string, number | null>;
  /** `subject/baseline` → how many times better the subject is (>1 = subject better), whatever the unit. */
  ratios: Record<string, number>;
  /** True when every implementation that ran passed every check. */
  verified: boolean;
  /** Per implementation: true, or the first failed check. */
  verification: Record<string, true | string>;
  runs: RunRecord[];
  notApplicable: Record<string, string>;
  errors: Record<string, string>;
  notes: string[];
  /** The metric restates another row in other units, so it has no ratios and no bars. */
  noRatios?: boolean;
  /** Set when the whole scenario could not run; results are then empty. */
  skipped?: string;
}

export interface ScenarioContext {
  quick: boolean;
  /** Minimal sizes, for the smoke test: proves the plumbing, measures nothing. */
  smoke: boolean;
  runs: number;
  warmup: number;
  progress(message: string): void;
}

export interface Scenario {
  name: string;
  title: string;
  run(ctx: ScenarioContext): Promise<ScenarioRow[]>;
}

/** A row for a scenario that could not run at all, so it is reported rather than left out. */
export function skippedRow(scenario: string, reason: string, notes: string[] = []): ScenarioRow {
  return {
    name: scenario, scenario, metric: '', unit: '', better: 'higher', description: '',
    results: {}, ratios: {}, verified: false, verification: {}, runs: [], notApplicable: {}, errors: {},
    notes, skipped: reason,
  };
}

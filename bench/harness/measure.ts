// Runs the implementations of a scenario alternately (A B C, B C A, ...)
// after warm-up rounds, so drift on a noisy machine hits each alike, and
// turns the runs into rows: medians, pooled statistics, ratios, verification.
import { setTimeout as sleep } from 'node:timers/promises';
import { collectGarbage } from './gc.js';
import { median, percentile } from './stats.js';
import type { Implementation, MetricSpec, PooledStatistic, RunOutput, RunRecord, ScenarioContext, ScenarioRow } from './scenario.js';

export interface MeasureDefinition {
  scenario: string;
  metrics: MetricSpec[];
  implementations: Implementation[];
  /** Notes for every row (how baselines were run, what was extrapolated). */
  notes?: string[];
  /** Notes for one metric's row. */
  metricNotes?: Record<string, string[]>;
  /**
   * Which ratios to report, as [subject, baseline]. Default: every
   * implementation whose name starts with `nlkit` against every other one.
   */
  ratioPairs?: [string, string][];
  /** Pause between runs so the kernel finishes deferred work (namespace cleanup) first. */
  pauseMs?: number;
}

interface Collected {
  outputs: RunOutput[];
  records: Map<string, RunRecord[]>;
  failure?: string;
  error?: string;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** The order of round `round`: the list rotated by one place per round. */
export function rotation<T>(items: readonly T[], round: number): T[] {
  if (items.length === 0) return [];
  const shift = round % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

export function defaultRatioPairs(names: readonly string[]): [string, string][] {
  const subjects = names.filter((n) => n.startsWith('nlkit'));
  const baselines = names.filter((n) => !n.startsWith('nlkit'));
  return subjects.flatMap((s) => baselines.map((b): [string, string] => [s, b]));
}

/** How many times better `subject` is than `baseline` for this metric (>1 = better). */
export function ratioOf(subject: number, baseline: number, better: 'higher' | 'lower'): number {
  return better === 'higher' ? subject / baseline : baseline / subject;
}

/** Idle time after the full collection before each run (measured: 100 ms lets a run start as fast as without the collection). */
const GC_SETTLE_MS = 100;

export async function measure(ctx: ScenarioContext, def: MeasureDefinition): Promise<ScenarioRow[]> {
  const active = def.implementations.filter((impl) => impl.notApplicable === undefined);
  const collected = new Map<string, Collected>(active.map((impl) => [impl.name, { outputs: [], records: new Map() }]));
  const prepared: Implementation[] = [];
  // Disposed even when prepare failed half-way, so nothing it made is left behind.
  const attempted: Implementation[] = [];
  try {
    for (const impl of active) {
      attempted.push(impl);
      try {
        await impl.prepare?.();
        prepared.push(impl);
      } catch (error) {
        collected.get(impl.name)!.error = `prepare: ${messageOf(error)}`;
      }
    }
    const rounds = ctx.warmup + ctx.runs;
    for (let round = 0; round < rounds; round++) {
      const warmup = round < ctx.warmup;
      for (const impl of rotation(prepared, round)) {
        const state = collected.get(impl.name)!;
        if (state.error) continue;
        ctx.progress(`${def.scenario}: ${warmup ? 'warm-up' : `run ${round - ctx.warmup + 1}/${ctx.runs}`} ${impl.name}`);
        const verify = {
          check(condition: boolean, message: string) {
            if (!condition && state.failure === undefined) state.failure = `round ${round}: ${message}`;
          },
        };
        try {
          collectGarbage();
          // The collector finishes its work (sweeping) on background threads
          // after gc() returns: timed at once, a run would pay for it, and an
          // in-process implementation more than one that works in a child.
          await sleep(Math.max(def.pauseMs ?? 0, GC_SETTLE_MS));
          const output = await impl.run({ round, warmup, verify });
          if (!warmup) {
            state.outputs.push(output);
            for (const [key, value] of Object.entries(output.metrics)) {
              const list = state.records.get(key) ?? [];
              list.push({ round: round - ctx.warmup, implementation: impl.name, value });
              state.records.set(key, list);
            }
          }
        } catch (error) {
          state.error = messageOf(error);
          ctx.progress(`${def.scenario}: ${impl.name} failed: ${state.error}`);
        }
      }
    }
  } finally {
    for (const impl of attempted) {
      try {
        await impl.dispose?.();
      } catch (error) {
        ctx.progress(`${def.scenario}: ${impl.name} cleanup failed: ${messageOf(error)}`);
      }
    }
  }
  return def.metrics.map((metric) => buildRow(def, metric, collected));
}

/** A pooled statistic of `values`; NaN when there are none, so the row reports no figure. */
export function pooledValue(values: readonly number[], statistic: PooledStatistic): number {
  if (values.length === 0) return NaN;
  if ('percentile' in statistic) return percentile(values, statistic.percentile);
  const sum = values.reduce((a, b) => a + b, 0);
  return statistic.statistic === 'sum' ? sum : sum / values.length;
}

function buildRow(def: MeasureDefinition, metric: MetricSpec, collected: Map<string, Collected>): ScenarioRow {
  const results: Record<string, number | null> = {};
  const notApplicable: Record<string, string> = {};
  const errors: Record<string, string> = {};
  const verification: Record<string, true | string> = {};
  const runs: RunRecord[] = [];
  for (const impl of def.implementations) {
    if (impl.notApplicable !== undefined) {
      results[impl.name] = null;
      notApplicable[impl.name] = impl.notApplicable;
      continue;
    }
    const reason = impl.metricNotApplicable?.[metric.key];
    if (reason !== undefined) {
      results[impl.name] = null;
      notApplicable[impl.name] = reason;
      continue;
    }
    const state = collected.get(impl.name)!;
    if (state.error) errors[impl.name] = state.error;
    verification[impl.name] = state.failure ?? (state.error ? `not verified: ${state.error}` : true);
    const records = state.records.get(metric.key) ?? [];
    runs.push(...records);
    let value: number;
    if (metric.fromSamples) {
      value = pooledValue(state.outputs.flatMap((o) => o.samples?.[metric.fromSamples!.sample] ?? []), metric.fromSamples);
    } else {
      value = median(records.map((r) => r.value));
    }
    // A failed implementation reports no figure: a partial median would mislead.
    results[impl.name] = state.error || !Number.isFinite(value) ? null : value;
  }
  const ratios: Record<string, number> = {};
  const pairs = metric.noRatios ? [] : def.ratioPairs ?? defaultRatioPairs(def.implementations.map((i) => i.name));
  for (const [subject, baseline] of pairs) {
    const s = results[subject];
    const b = results[baseline];
    if (s != null && b != null && s > 0 && b > 0) ratios[`${subject}/${baseline}`] = ratioOf(s, b, metric.better);
  }
  const ran = Object.values(verification);
  return {
    name: `${def.scenario}.${metric.key}`,
    scenario: def.scenario,
    metric: metric.key,
    unit: metric.unit,
    better: metric.better,
    description: metric.description,
    results,
    ratios,
    verified: ran.length > 0 && ran.every((v) => v === true),
    verification,
    runs,
    notApplicable,
    errors,
    notes: [...(def.notes ?? []), ...(def.metricNotes?.[metric.key] ?? [])],
    ...(metric.noRatios ? { noRatios: true } : {}),
  };
}

// The human-readable table printed on stdout: one block per scenario, a
// column per implementation, then ratios, n/a reasons, errors and notes.
import type { ScenarioRow } from './scenario.js';

export function formatNumber(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (abs >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

export function formatRatio(ratio: number): string {
  return `${ratio >= 10 ? ratio.toFixed(1) : ratio.toFixed(2)}x`;
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

function groupByScenario(rows: readonly ScenarioRow[]): ScenarioRow[][] {
  const groups: ScenarioRow[][] = [];
  for (const row of rows) {
    const last = groups[groups.length - 1];
    if (last && last[0]!.scenario === row.scenario) last.push(row);
    else groups.push([row]);
  }
  return groups;
}

function cell(row: ScenarioRow, impl: string): string {
  if (row.notApplicable[impl] !== undefined) return 'n/a';
  if (row.errors[impl] !== undefined) return 'error';
  const value = row.results[impl];
  if (value === undefined) return '';
  if (value === null) return '-';
  return formatNumber(value) + (row.verification[impl] === true ? '' : '?');
}

export function renderTable(rows: readonly ScenarioRow[], titles: Record<string, string> = {}): string {
  const out: string[] = [];
  for (const group of groupByScenario(rows)) {
    const scenario = group[0]!.scenario;
    out.push('', `${scenario}${titles[scenario] ? ` — ${titles[scenario]}` : ''}`);
    if (group[0]!.skipped !== undefined) {
      out.push(`  skipped: ${group[0]!.skipped}`);
      for (const note of group[0]!.notes) out.push(`  note: ${note}`);
      continue;
    }
    const impls = [...new Set(group.flatMap((r) => Object.keys(r.results)))];
    const metricWidth = Math.max(6, ...group.map((r) => r.metric.length));
    const unitWidth = Math.max(4, ...group.map((r) => r.unit.length));
    const widths = impls.map((impl) => Math.max(impl.length, 8, ...group.map((r) => cell(r, impl).length)));
    out.push(`  ${pad('metric', metricWidth)}  ${pad('unit', unitWidth)}  ${impls.map((impl, i) => pad(impl, widths[i]!, true)).join('  ')}  verified`);
    for (const row of group) {
      out.push(`  ${pad(row.metric, metricWidth)}  ${pad(row.unit, unitWidth)}  ${impls.map((impl, i) => pad(cell(row, impl), widths[i]!, true)).join('  ')}  ${row.verified ? 'yes' : 'NO'}`);
    }
    for (const row of group) {
      const ratios = Object.entries(row.ratios).map(([pair, ratio]) => `${pair} ${formatRatio(ratio)}`);
      if (ratios.length) out.push(`  ${pad(row.metric, metricWidth)}  ratios (>1 = nlkit better): ${ratios.join(', ')}`);
    }
    const seen = new Set<string>();
    const once = (line: string) => {
      if (!seen.has(line)) {
        seen.add(line);
        out.push(line);
      }
    };
    for (const row of group) {
      for (const [impl, reason] of Object.entries(row.notApplicable)) once(`  ${impl}: n/a: ${reason}`);
      for (const [impl, message] of Object.entries(row.errors)) once(`  ${impl}: error: ${message}`);
      for (const [impl, v] of Object.entries(row.verification)) if (v !== true && row.errors[impl] === undefined) once(`  ${impl}: verification failed: ${v}`);
      for (const note of row.notes) once(`  note: ${note}`);
    }
  }
  return `${out.join('\n')}\n`;
}

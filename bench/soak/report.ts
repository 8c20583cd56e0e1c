import type { SoakReport } from './run.js';

function pad(text: string | number, width: number): string {
  return String(text).padStart(width);
}

/** The soak's figures as text: resources at each stage, outcomes by fault and class, notes, failures, verdict. */
export function renderReport(r: SoakReport): string {
  const o = r.options;
  const lines: string[] = [];
  lines.push(`nlkit soak: seed ${o.seed}, ${o.cycles} cycles, ${o.lanes} lanes, async share ${o.asyncShare}, fault rate ${o.faultRate}`);
  lines.push(`cycles: ${r.completedCycles} in ${r.seconds.toFixed(1)} s = ${r.cyclesPerSecond.toFixed(0)} cycles/s (sync ${r.modes.sync}, async ${r.modes.async})`);
  lines.push('');
  lines.push(`${'resources'.padEnd(22)}${pad('before', 9)}${pad('start', 9)}${pad(`c${r.warm.cycles}`, 9)}${pad('end', 9)}${pad('after', 9)}`);
  const row = (label: string, get: (s: SoakReport['start']) => string) =>
    lines.push(`${label.padEnd(22)}${[r.before, r.start, r.warm, r.end, r.after].map((s) => pad(get(s), 9)).join('')}`);
  row('open fds', (s) => String(s.fds));
  row(`namespaces ${r.prefix.slice(0, 10)}*`, (s) => String(s.namespaces));
  row('host-ns links', (s) => String(s.hostLinks));
  row('RSS MiB (after gc)', (s) => s.rssMiB.toFixed(1));
  row('V8 heap used MiB', (s) => s.heapUsedMiB.toFixed(1));
  lines.push("(start..end: the soak's host and churn namespaces, connections, churner and watchdog are up; before/after: none are;");
  lines.push(` c${r.warm.cycles}: after the warm-up, the RSS baseline)`);
  const signed = (n: number) => `${n >= 0 ? '+' : ''}${n.toFixed(1)}`;
  lines.push(`leaked fds ${r.end.fds - r.start.fds}, leaked namespaces ${r.end.namespaces - r.start.namespaces}, ` +
    `links left in the host namespace ${r.hostLinksLeft.length}, RSS growth ${signed(r.rssGrowthMiB)} MiB after the warm-up ` +
    `(${signed(r.end.rssMiB - r.start.rssMiB)} MiB from the start)`);
  if (r.checkpoints.length) {
    lines.push('');
    lines.push('checkpoints (cycles: fds, RSS MiB, heap MiB):');
    for (let i = 0; i < r.checkpoints.length; i += 4) {
      lines.push(`  ${r.checkpoints.slice(i, i + 4).map((s) => `${s.cycles}: ${s.fds}, ${s.rssMiB.toFixed(1)}, ${s.heapUsedMiB.toFixed(1)}`).join(' | ')}`);
    }
  }
  lines.push('');
  lines.push('faults (cycles; typed errors seen, by class):');
  for (const [fault, runs] of [...r.tally.runs].sort((a, b) => b[1] - a[1])) {
    const errors = r.tally.errors.get(fault);
    const classes = errors ? [...errors].map(([name, n]) => `${name} ${n}`).join(', ') : '-';
    lines.push(`  ${fault.padEnd(36)}${pad(runs, 8)}  ${classes}`);
  }
  if (r.tally.notes.size) {
    lines.push('');
    lines.push('notes:');
    for (const [what, n] of [...r.tally.notes].sort()) lines.push(`  ${what}: ${n}`);
  }
  const failures = r.tally.failures;
  lines.push('');
  lines.push(`failures: ${failures}${failures ? ` (${[...r.tally.failuresBySource].map(([source, n]) => `${source} ${n}`).join('; ')})` : ''}`);
  for (const s of r.tally.samples) lines.push(`  [cycle ${s.cycle}, ${s.fault}] ${s.kind}: ${s.message.replace(/\n/g, '\n    ')}`);
  lines.push('');
  lines.push(r.missed.length ? `FAIL: ${r.missed.join('; ')}` : 'PASS: 0 leaked fds, 0 leaked namespaces, no links left, RSS growth within budget, only typed errors');
  return `${lines.join('\n')}\n`;
}

import type { SoakReport } from './run.js';

/** The soak's targets, as sentences for the ones missed. */
export function missedTargets(r: SoakReport): string[] {
  const missed: string[] = [];
  if (r.completedCycles < r.options.cycles) missed.push(`completed ${r.completedCycles} of ${r.options.cycles} cycles (${r.stoppedEarly ?? 'stopped'})`);
  if (r.end.fds !== r.start.fds) missed.push(`leaked fds: ${r.start.fds} open at the start, ${r.end.fds} at the end`);
  if (r.after.fds !== r.before.fds) missed.push(`fds after cleanup: ${r.after.fds}, before the soak: ${r.before.fds}`);
  if (r.end.namespaces !== r.start.namespaces) missed.push(`leaked namespaces: ${r.end.namespaces - r.start.namespaces} pod namespaces left under /run/netns`);
  if (r.after.namespaces !== 0) missed.push(`${r.after.namespaces} namespaces with prefix ${r.prefix} left after cleanup`);
  if (r.hostLinksLeft.length) missed.push(`links left in the host namespace: ${r.hostLinksLeft.slice(0, 10).join(', ')}`);
  if (r.rssGrowthMiB >= r.options.rssBudgetMiB) missed.push(`RSS grew ${r.rssGrowthMiB.toFixed(1)} MiB after the warm-up (budget ${r.options.rssBudgetMiB} MiB)`);
  for (const [kind, count] of r.tally.failureCounts) missed.push(`${count} × ${kind}`);
  return missed;
}

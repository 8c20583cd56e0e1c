// Dumps of the churn namespace while the child `ip -batch` churner changes
// its address table (and, in async mode, an in-process churner on another
// socket too), with a small dumpRetryBudgetMs: a dump succeeds, comes back
// flagged inconsistent ('return'), or throws DumpInterruptedError with the
// last result in .partial ('throw').
import { DumpInterruptedError, isInconsistentDump, openRoute } from '../../../src/index.js';
import type { Cycle } from '../cycle.js';
import { check } from '../tally.js';
import { CHURN_BASE_ADDRESSES, CHURN_DEVICE } from '../world.js';
import type { Fault } from './fault.js';

const NAME = 'interrupted dump';
const BUDGETS_MS = [0, 1, 2, 5, 20];
const TABLES = ['addresses', 'addresses', 'addresses', 'routes', 'routes', 'links'] as const;

type Table = (typeof TABLES)[number];
type Outcome = 'consistent' | 'flagged' | 'threw';

function outcomeNote(table: Table, policy: string, outcome: Outcome): string {
  return `interrupted dump: ${table} with '${policy}': ${outcome}`;
}

function record(c: Cycle, table: Table, policy: string, budget: number, outcome: Outcome): void {
  c.tally.note(outcomeNote(table, policy, outcome));
  c.tally.note(`interrupted dump: budget ${String(budget).padStart(2)} ms: ${outcome}`);
}

/** Adds and deletes a few addresses of this lane's own range until `done` says stop. */
async function churnInProcess(c: Cycle, done: () => boolean): Promise<number> {
  const churn = c.track(openRoute({ netns: c.world.churnNetns }));
  const addresses = Array.from({ length: 32 }, (_, i) => ({ dev: CHURN_DEVICE, address: `10.97.${c.lane}.${i}/32` }));
  let rounds = 0;
  try {
    while (!done()) {
      await churn.addr.addManyAsync(addresses);
      await churn.addr.deleteManyAsync(addresses);
      rounds++;
    }
  } finally {
    c.close(churn);
  }
  return rounds;
}

export const interruptedDump: Fault = {
  name: NAME,
  weight: 1,
  async run(c) {
    const budget = c.rng.pick(BUDGETS_MS);
    const policy = c.rng.pick(['throw', 'return'] as const);
    c.beat('open dump connection');
    const dumper = c.track(openRoute({ netns: c.world.churnNetns, dumpRetryBudgetMs: budget, inconsistentDumps: policy }));
    c.shared.churner.resume();
    let finished = false;
    const inProcess = c.mode === 'async' ? churnInProcess(c, () => finished) : undefined;
    try {
      for (let k = 0; k < 3; k++) {
        const table = c.rng.pick(TABLES);
        try {
          const result: unknown[] = table === 'addresses'
            ? await c.call('dump addresses under churn', () => dumper.addr.list(), () => dumper.addr.listAsync())
            : table === 'routes'
              ? await c.call('dump routes under churn', () => dumper.route.list({ table: 'all' }), () => dumper.route.listAsync({ table: 'all' }))
              : await c.call('dump links under churn', () => dumper.link.list(), () => dumper.link.listAsync());
          if (isInconsistentDump(result)) {
            check(policy === 'return', "a dump came back flagged inconsistent without inconsistentDumps: 'return'");
            record(c, table, policy, budget, 'flagged');
          } else {
            record(c, table, policy, budget, 'consistent');
            if (table === 'addresses') check(result.length >= CHURN_BASE_ADDRESSES, `a consistent address dump has ${result.length} entries, expected at least ${CHURN_BASE_ADDRESSES}`);
          }
        } catch (error) {
          c.tally.expected(NAME, error, [DumpInterruptedError]);
          const interrupted = error as DumpInterruptedError;
          check(policy === 'throw', "DumpInterruptedError with inconsistentDumps: 'return'");
          check(Array.isArray(interrupted.partial) && interrupted.partial.every((x) => typeof x === 'object' && x !== null),
            'DumpInterruptedError.partial is not an array of objects');
          record(c, table, policy, budget, 'threw');
        }
      }
    } finally {
      finished = true;
      c.shared.churner.pause();
      const rounds = await inProcess;
      if (rounds !== undefined) c.tally.note('interrupted dump: in-process churn rounds', rounds);
    }
    c.close(dumper);
  },

  conclude(tally) {
    // A cycle cannot tell whether a 'return' dump it got was inconsistent;
    // over the whole soak, 'return' must flag about as often as 'throw' threw.
    const problems: string[] = [];
    for (const table of new Set(TABLES)) {
      const count = (policy: string, outcome: Outcome) => tally.notes.get(outcomeNote(table, policy, outcome)) ?? 0;
      const threw = count('throw', 'threw');
      const thrown = threw + count('throw', 'consistent');
      const flagged = count('return', 'flagged');
      const returned = flagged + count('return', 'consistent');
      // With 'throw' throwing on a share p of dumps, no flag in n 'return' dumps has probability (1 - p)^n.
      if (flagged === 0 && threw >= 3 && (1 - threw / thrown) ** returned < 1e-4) {
        problems.push(`inconsistentDumps: 'return' never flagged a dump of ${table} (0 of ${returned}) while 'throw' threw on ${threw} of ${thrown} under the same churn: the inconsistency mark is lost on the way to the caller`);
      }
    }
    return problems;
  },
};

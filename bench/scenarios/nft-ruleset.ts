// nft-ruleset: a kube-proxy-sized ruleset (fixtures/nftables/kube-proxy.ts,
// 3,000 Services) listed whole and re-created whole — nlkit's listRuleset and
// addRuleset (one transaction) against `nft list ruleset` and `nft -f FILE`.
//
// Run directly (`node --import=tsx nft-ruleset.ts --first NETNS`), this file
// is the nlkit-first implementation: one listing and one re-creation as the
// first calls of a fresh process, printed as JSON.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kubeProxyRuleset, type KubeProxyRulesetOptions } from '../../fixtures/nftables/kube-proxy.js';
import type * as Nftables from '../../src/nftables/index.js';
import { measure } from '../harness/measure.js';
import { withBenchNamespaces } from '../harness/namespaces.js';
import { loadNftablesApi, type NftablesApi } from '../harness/nlkit.js';
import type { Implementation, RunInfo, Scenario, ScenarioContext, ScenarioRow } from '../harness/scenario.js';
import { skippedRow } from '../harness/scenario.js';
import { hasCommand, nftIn } from '../harness/tools.js';

/** The cluster: 3,000 Services with 3 endpoints on average (~13,700 chains, ~28,500 rules, ~3,800 sets); smoke runs a few. */
export function nftRulesetSizes(smoke: boolean): Required<Pick<KubeProxyRulesetOptions, 'services' | 'endpointsPerService'>> {
  return smoke ? { services: 20, endpointsPerService: 2 } : { services: 3000, endpointsPerService: 3 };
}

/** What a listing holds, to check a run against the ruleset as nft loaded it. */
interface Counts {
  tables: number;
  chains: number;
  rules: number;
  sets: number;
  elements: number;
}

function countsOf(rs: Nftables.Ruleset): Counts {
  return {
    tables: rs.tables.length,
    chains: rs.chains.length,
    rules: rs.rules.length,
    sets: rs.sets.length,
    elements: rs.sets.reduce((n, s) => n + s.elements.length, 0),
  };
}

const sameCounts = (a: Counts, b: Counts) => JSON.stringify(a) === JSON.stringify(b);

/** State shared by the implementations: they run in turns on one namespace, each leaving the ruleset loaded. */
interface Shared {
  netns: string;
  /** `nft list ruleset` of the ruleset as `nft -f` loaded it from the generator's script. */
  reference: string;
  /** A file holding `reference`: what `nft -f` re-creates from (nft's listing, as nlkit re-creates from its own). */
  listingFile: string;
  /** What nlkit lists of it. */
  expected: Counts;
}

function flush(netns: string): void {
  nftIn(netns, ['flush', 'ruleset']);
}

function nlkitImplementation(nft: NftablesApi, shared: Shared): Implementation {
  let conn: Nftables.NftablesConnection | undefined;
  let checkedText = false;
  return {
    name: 'nlkit',
    prepare() {
      conn = nft.openNftables({ netns: shared.netns });
    },
    run({ verify }: RunInfo) {
      const c = conn!;
      let t0 = performance.now();
      const listed = c.listRuleset();
      const listMs = performance.now() - t0;
      verify.check(sameCounts(countsOf(listed), shared.expected), `nlkit listed ${JSON.stringify(countsOf(listed))}, expected ${JSON.stringify(shared.expected)}`);
      flush(shared.netns);
      t0 = performance.now();
      c.addRuleset(listed);
      const recreateMs = performance.now() - t0;
      // The whole text once (nft takes seconds to print it); the next run's listing checks every re-creation.
      if (!checkedText) {
        checkedText = true;
        verify.check(nftIn(shared.netns, ['list', 'ruleset']) === shared.reference, 'after nlkit re-created the ruleset, nft list ruleset differs from the original');
      }
      return { metrics: { list: listMs, recreate: recreateMs } };
    },
    dispose() {
      conn?.close();
    },
  };
}

/** One listing and one re-creation as the first calls of a fresh process (this file run with --first). */
function firstCall(netns: string): { listMs: number; recreateMs: number; counts: Counts } {
  const out = execFileSync(process.execPath, ['--import', import.meta.resolve('tsx'), fileURLToPath(import.meta.url), '--first', netns], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return JSON.parse(out) as { listMs: number; recreateMs: number; counts: Counts };
}

function nlkitFirstImplementation(shared: Shared): Implementation {
  return {
    name: 'nlkit-first',
    run({ verify }: RunInfo) {
      const { listMs, recreateMs, counts } = firstCall(shared.netns);
      verify.check(sameCounts(counts, shared.expected), `nlkit's first listing in a fresh process returned ${JSON.stringify(counts)}, expected ${JSON.stringify(shared.expected)}`);
      return { metrics: { list: listMs, recreate: recreateMs } };
    },
  };
}

function nftImplementation(shared: Shared): Implementation {
  return {
    name: 'nft',
    run({ verify }: RunInfo) {
      let t0 = performance.now();
      const text = nftIn(shared.netns, ['list', 'ruleset']);
      const listMs = performance.now() - t0;
      verify.check(text === shared.reference, 'nft list ruleset differs from the ruleset nft loaded');
      flush(shared.netns);
      t0 = performance.now();
      nftIn(shared.netns, ['-f', shared.listingFile]);
      const recreateMs = performance.now() - t0;
      return { metrics: { list: listMs, recreate: recreateMs } };
    },
  };
}

/** Loads the generated ruleset with nft and records what every run must find. */
function loadReference(api: NftablesApi, netns: string, dir: string, options: KubeProxyRulesetOptions): Shared {
  const script = join(dir, 'kube-proxy.nft');
  writeFileSync(script, kubeProxyRuleset(options));
  nftIn(netns, ['-f', script]);
  const reference = nftIn(netns, ['list', 'ruleset']);
  const listingFile = join(dir, 'listing.nft');
  writeFileSync(listingFile, reference);
  const conn = api.openNftables({ netns });
  try {
    return { netns, reference, listingFile, expected: countsOf(conn.listRuleset()) };
  } finally {
    conn.close();
  }
}

export const nftRuleset: Scenario = {
  name: 'nft-ruleset',
  title: 'a kube-proxy-sized ruleset (3,000 Services) listed whole and re-created in one transaction',
  async run(ctx: ScenarioContext): Promise<ScenarioRow[]> {
    const sizes = nftRulesetSizes(ctx.smoke);
    const notes = [
      `ruleset: fixtures/nftables/kube-proxy.ts with ${sizes.services} Services, ${sizes.endpointsPerService} endpoints each on average (kube-proxy's nftables mode: table ip kube-proxy, service/endpoint chains, numgen vmaps, service-ips and friends)`,
      'list: nlkit listRuleset() (tables, chains, sets with their elements, anonymous ones too, objects, rules, decoded) against `nft list ruleset` run inside the namespace through `ip netns exec`, its output read from a pipe',
      'recreate: after `nft flush ruleset` (untimed), nlkit addRuleset() of its own listing in one transaction, against `nft -f FILE` where FILE is what `nft list ruleset` printed; every run starts from the ruleset the previous one re-created',
      'checks: nft list ruleset text equal to the original (nft every run, nlkit once), nlkit listings with the original numbers of tables, chains, rules, sets and elements',
      'nlkit is warm (the calls ran in the warm-up round and every run before); nlkit-first is the first listing and re-creation of a fresh process per run (this file run with --first; the connection opened untimed)',
    ];
    const loaded = await loadNftablesApi();
    if (loaded.unavailable !== undefined) return [skippedRow('nft-ruleset', 'nftables API not available', [loaded.unavailable, ...notes])];
    if (!hasCommand('nft')) return [skippedRow('nft-ruleset', 'nft is not installed (apt-get install -y nftables)', notes)];
    const dir = mkdtempSync(join(tmpdir(), 'nlkb-nft-ruleset-'));
    try {
      return await withBenchNamespaces(['nftrs'], ([netns]) => {
        ctx.progress(`nft-ruleset: loading ${sizes.services} Services with nft -f (untimed)`);
        const shared = loadReference(loaded.api, netns!, dir, sizes);
        return measure(ctx, {
          scenario: 'nft-ruleset',
          metrics: [
            { key: 'list', unit: 'ms', better: 'lower', description: `time to list the whole ruleset (${shared.expected.chains} chains, ${shared.expected.rules} rules, ${shared.expected.sets} sets)` },
            { key: 'recreate', unit: 'ms', better: 'lower', description: 'time to re-create the listed ruleset in one transaction' },
          ],
          implementations: [nlkitImplementation(loaded.api, shared), nlkitFirstImplementation(shared), nftImplementation(shared)],
          notes,
          // The kernel frees a flushed ruleset of this size in the background (RCU, set destruction) for a while.
          pauseMs: ctx.smoke ? 0 : 500,
        });
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/** --first NETNS: list and re-create once, as a fresh process's first calls; prints { listMs, recreateMs, counts }. */
async function firstCallMain(netns: string): Promise<void> {
  const api = await import('../../src/nftables/index.js');
  const conn = api.openNftables({ netns });
  try {
    let t0 = performance.now();
    const listed = conn.listRuleset();
    const listMs = performance.now() - t0;
    conn.transaction().flushRuleset().commit();
    t0 = performance.now();
    conn.addRuleset(listed);
    const recreateMs = performance.now() - t0;
    process.stdout.write(JSON.stringify({ listMs, recreateMs, counts: countsOf(listed) }));
  } finally {
    conn.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === '--first') await firstCallMain(process.argv[3]!);

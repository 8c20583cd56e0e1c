// Runs the real nft-ruleset scenario on a 20-Service kube-proxy ruleset:
// nlkit (warm and first call in a fresh process) and nft list it and
// re-create it, checked against nft's own listing; measures nothing.
import t from 'tap';
import { nftRulesetSizes } from '../../bench/scenarios/nft-ruleset.js';
import { runSmoke } from '../helpers/bench-smoke.js';
import { requireRoot } from '../helpers/netns.js';

const IMPLEMENTATIONS = ['nlkit', 'nlkit-first', 'nft'];

t.test('sizes: the bench lists 3,000 Services, the smoke run a few', async (t) => {
  t.equal(nftRulesetSizes(false).services, 3000);
  t.ok(nftRulesetSizes(true).services < 100);
});

t.test('nft-ruleset smoke run: list and re-create, every implementation verified, nothing left behind', async (t) => {
  if (!requireRoot(t)) return;
  const { rows } = await runSmoke(t, 'nft-ruleset');
  t.same(rows.map((r) => r.name), ['nft-ruleset.list', 'nft-ruleset.recreate']);
  for (const row of rows) {
    t.ok(row.verified, `${row.name} verified: ${JSON.stringify(row.verification)}`);
    t.same(row.errors, {}, `${row.name} without errors`);
    t.same(Object.keys(row.results).sort(), [...IMPLEMENTATIONS].sort(), `${row.name}: a column per implementation`);
    for (const impl of IMPLEMENTATIONS) t.ok(row.results[impl]! > 0, `${row.name}: ${impl} measured`);
    t.ok(row.ratios['nlkit/nft']! > 0, `${row.name}: nlkit compared with nft`);
    t.ok(row.ratios['nlkit-first/nft']! > 0, `${row.name}: the first call compared with nft`);
  }
});

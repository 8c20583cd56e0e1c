import t from 'tap';
import { parseBenchArgs, UsageError } from '../../bench/harness/args.js';

const known = ['rtt', 'churn', 'routes', 'nft'];
const parse = (...argv: string[]) => parseBenchArgs(argv, known, '/tmp/out');

t.test('defaults: every scenario, 5 runs, 1 warm-up', async (t) => {
  t.same(parse(), { quick: false, scenarios: known, runs: 5, warmup: 1, outDir: '/tmp/out', help: false });
});

t.test('--quick lowers the default run count, --runs overrides it', async (t) => {
  t.equal(parse('--quick').runs, 3);
  t.equal(parse('--quick', '--runs', '7').runs, 7);
  t.equal(parse('--runs=2').runs, 2);
});

t.test('--scenario repeatable and comma lists, kept in suite order', async (t) => {
  t.same(parse('--scenario', 'nft', '--scenario', 'rtt').scenarios, ['rtt', 'nft']);
  t.same(parse('--scenario', 'routes,churn').scenarios, ['churn', 'routes']);
  t.same(parse('--scenario=rtt,rtt').scenarios, ['rtt']);
});

t.test('refuses unknown scenarios, options and bad numbers', async (t) => {
  t.throws(() => parse('--scenario', 'nope'), { name: 'UsageError', message: /unknown scenario "nope"; known: rtt, churn, routes, nft/ });
  t.throws(() => parse('--frobnicate'), UsageError);
  t.throws(() => parse('--runs', '0'), { message: /--runs must be an integer >= 1, got "0"/ });
  t.throws(() => parse('--runs', '2.5'), UsageError);
  t.throws(() => parse('--warmup', '-1'), UsageError);
  t.throws(() => parse('positional'), UsageError);
  t.equal(parse('--warmup', '0').warmup, 0);
});

t.test('--out and --help', async (t) => {
  t.equal(parse('--out', '/x').outDir, '/x');
  t.equal(parse('-h').help, true);
});

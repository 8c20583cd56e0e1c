import t from 'tap';
import { median, percentile, perSecond, summarize } from '../../bench/harness/stats.js';

t.test('median of odd and even counts, input order irrelevant', async (t) => {
  t.equal(median([5, 1, 3]), 3);
  t.equal(median([4, 1, 3, 2]), 2.5);
  t.equal(median([7]), 7);
  t.ok(Number.isNaN(median([])), 'empty list has no median');
});

t.test('percentile interpolates between closest ranks', async (t) => {
  const values = Array.from({ length: 101 }, (_, i) => 100 - i); // 100..0, unsorted order
  t.equal(percentile(values, 0), 0);
  t.equal(percentile(values, 50), 50);
  t.equal(percentile(values, 99), 99);
  t.equal(percentile(values, 100), 100);
  t.equal(percentile([10, 20], 25), 12.5);
  t.throws(() => percentile([1], 101), RangeError);
  t.throws(() => percentile([1], -1), RangeError);
});

t.test('percentile leaves its input unsorted', async (t) => {
  const values = [3, 1, 2];
  percentile(values, 50);
  t.same(values, [3, 1, 2]);
});

t.test('summarize', async (t) => {
  const s = summarize([4, 1, 3, 2]);
  t.match(s, { n: 4, min: 1, p50: 2.5, max: 4 });
  t.ok(Math.abs(s.p99 - 3.97) < 1e-9, `p99 ${s.p99}`);
});

t.test('perSecond', async (t) => {
  t.equal(perSecond(500, 250), 2000);
  t.equal(perSecond(1, 0), Infinity);
});

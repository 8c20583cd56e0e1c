// The sh example of docs/cli.md runs: each `nlkit` line through runCli, in a
// namespace named for this test instead of `cli-docs`.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { requireRoot, uniqueNetnsName } from '../helpers/netns.js';
import { deleteNetns, netnsExists } from '../../src/netns/index.js';
import { splitBatchLine } from '../../src/cli/batch.js';
import { nlkit } from './helpers.js';

t.test('docs/cli.md: the example runs, every line exits 0', async (t) => {
  if (!requireRoot(t)) return;
  const text = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');
  const block = /```sh\n([\s\S]*?)```/.exec(text)![1]!;
  const ns = uniqueNetnsName('clidocs');
  t.teardown(() => { if (netnsExists(ns)) deleteNetns(ns); });
  const lines = block.trim().split('\n');
  t.ok(lines.length > 5, 'the example has lines');
  for (const line of lines) {
    const words = splitBatchLine(line.replaceAll('cli-docs', ns));
    t.equal(words.shift(), 'nlkit');
    const run = await nlkit(words);
    t.equal(run.status, 0, `${line} → ${run.stderr}`);
    if (line.includes('-j route show')) t.match(JSON.parse(run.stdout), [{ dst: '10.0.0.0/24' }, { dst: '10.1.0.0/16', gateway: '10.0.0.2' }]);
  }
  t.notOk(netnsExists(ns), 'the example deletes its namespace');
});

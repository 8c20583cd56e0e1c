// Every TypeScript example in README.md and docs/*.md typechecks against the
// real API, so the guides cannot drift from the code. One tsc run for all of
// them: each run type-checks the whole of src/ again.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { root, tsBlocks, typecheckBlocks } from './helpers/typecheck-examples.js';

t.test('README and docs examples typecheck', async (t) => {
  const readme = tsBlocks('README.md');
  t.ok(readme.length >= 2, `README has ${readme.length} TypeScript examples (its quick start and pod example)`);
  const pages = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).sort();
  const docs = pages.flatMap((page) => tsBlocks(join('docs', page)));
  t.ok(docs.length >= 2, `docs have ${docs.length} TypeScript examples`);
  t.equal(typecheckBlocks([...readme, ...docs], 'doc-examples'), '', 'tsc reports no errors in the README and docs examples');
});

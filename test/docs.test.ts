// Every TypeScript example in docs/*.md typechecks against the real API.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { root, tsBlocks, typecheckBlocks } from './helpers/typecheck-examples.js';

t.test('docs examples typecheck', async (t) => {
  const pages = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md'));
  const blocks = pages.flatMap((page) => tsBlocks(join('docs', page)));
  t.ok(blocks.length >= 2, `docs have ${blocks.length} TypeScript examples`);
  t.equal(typecheckBlocks(blocks, 'docs-examples'), '', 'tsc reports no errors in the docs examples');
});

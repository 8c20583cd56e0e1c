// Every TypeScript example in README.md typechecks against the real API, so
// the guide cannot drift from the code.
import t from 'tap';
import { tsBlocks, typecheckBlocks } from './helpers/typecheck-examples.js';

t.test('README examples typecheck', async (t) => {
  const blocks = tsBlocks('README.md');
  t.ok(blocks.length >= 2, `README has ${blocks.length} TypeScript examples (its quick start and pod example)`);
  t.equal(typecheckBlocks(blocks, 'readme-examples'), '', 'tsc reports no errors in the README examples');
});

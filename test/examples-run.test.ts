// Every code example a user can copy — each ```ts/```js block of README.md and
// docs/*.md, and each script in examples/ — runs as written, on its own, in a
// throwaway network namespace, exits 0 and leaves no named namespace behind.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { isRoot } from './helpers/netns.js';
import { inBatches, runExample, snippetDirectory } from './helpers/run-examples.js';
import { root } from './helpers/typecheck-examples.js';

interface Example {
  /** Where a reader finds it: page and line, or the script's path. */
  origin: string;
  file: string;
}

function pages(): string[] {
  const docs = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f));
  return ['README.md', ...docs.sort()];
}

function snippetExamples(dir: string): Example[] {
  const examples: Example[] = [];
  for (const page of pages()) {
    const text = readFileSync(join(root, page), 'utf8');
    for (const match of text.matchAll(/```(ts|js)\n([\s\S]*?)```/g)) {
      const line = text.slice(0, match.index).split('\n').length;
      const name = `${page.replace(/[/.]/g, '_')}-L${line}.${match[1] === 'ts' ? 'ts' : 'mjs'}`;
      const file = join(dir, name);
      writeFileSync(file, match[2]!);
      examples.push({ origin: `${page}:${line}`, file });
    }
  }
  return examples;
}

function scriptExamples(): Example[] {
  const dir = join(root, 'examples');
  return readdirSync(dir)
    .filter((f) => /\.(ts|mts|mjs|js)$/.test(f))
    .sort()
    .map((f) => ({ origin: `examples/${f}`, file: join(dir, f) }));
}

// NLKIT_EXAMPLES=docs/links.md runs only the examples whose origin contains that text.
const only = process.env.NLKIT_EXAMPLES;

// Each example is its own node process; dozens of them take minutes on a busy machine.
t.setTimeout(20 * 60_000);

t.test('every documentation snippet and example script runs on its own and cleans up', { skip: !isRoot && 'needs root' }, async (t) => {
  const dir = await snippetDirectory(`doc-snippets-${process.pid}`);
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const tsconfig = join(dir, 'tsconfig.json');
  const snippets = snippetExamples(dir);
  const scripts = scriptExamples();
  if (!only) {
    t.ok(snippets.length >= 30, `the docs have ${snippets.length} runnable snippets`);
    t.ok(scripts.length >= 4, `examples/ has ${scripts.length} scripts`);
  }
  const examples = [...snippets, ...scripts].filter((e) => !only || e.origin.includes(only));
  const runs = await inBatches(examples, 3, (e) => runExample(e.file, tsconfig));
  examples.forEach((example, i) => {
    const run = runs[i]!;
    const detail = run.status === 0 ? '' : `\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
    t.equal(run.status, 0, `${example.origin} exits 0${detail}`);
    t.same(run.leftNamespaces, [], `${example.origin} deletes the namespaces it creates`);
  });
});

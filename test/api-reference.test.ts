// The API reference builds from the doc comments with TypeDoc's validation
// as errors: every export documented, every {@link} resolving, no public
// signature naming a type the reference leaves out. And every relative link
// of the README and docs/ points at a file (and heading) that exists.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import t from 'tap';
import { root } from './helpers/typecheck-examples.js';

t.setTimeout(10 * 60_000);

t.test('npm run docs: TypeDoc builds the reference without a warning', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'nlkit-api-'));
  t.teardown(() => rmSync(out, { recursive: true, force: true }));
  const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
    execFile(process.execPath, [join(root, 'node_modules', 'typedoc', 'bin', 'typedoc'), '--out', out, '--logLevel', 'Warn'],
      { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` }));
  });
  const warnings = output.split('\n').filter((line) => /\[(warning|error)\]/.test(line));
  t.equal(code, 0, 'typedoc exits 0');
  t.same(warnings.slice(0, 50), [], `no warnings or errors (${warnings.length} in all)`);
  t.ok(existsSync(join(out, 'index.html')), 'the reference has an index page');
});

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
function anchors(markdown: string): Set<string> {
  const slugs = new Set<string>();
  for (const match of markdown.matchAll(/^#{1,6}\s+(.+)$/gm)) {
    slugs.add(match[1]!.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-'));
  }
  return slugs;
}

t.test('relative links in README.md and docs/ resolve', async (t) => {
  const pages = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  let checked = 0;
  for (const page of pages) {
    const text = readFileSync(join(root, page), 'utf8').replace(/```[\s\S]*?```/g, '');
    for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = match[1]!;
      if (/^[a-z]+:/i.test(target)) continue; // http:, https:, mailto:
      const [path, anchor] = target.split('#') as [string, string | undefined];
      const file = path ? join(root, dirname(page), path) : join(root, page);
      // The API reference is generated into docs/api (npm run docs), not checked in.
      if (/(^|\/)api\//.test(path)) {
        t.ok(file.startsWith(join(root, 'docs', 'api') + '/'), `${page}: link to ${target} points into docs/api/`);
        continue;
      }
      checked++;
      if (!existsSync(file)) {
        t.fail(`${page}: link to ${target}: ${path} does not exist`);
        continue;
      }
      if (anchor && file.endsWith('.md')) {
        t.ok(anchors(readFileSync(file, 'utf8')).has(anchor), `${page}: link to ${target}: heading #${anchor} exists`);
      }
    }
  }
  t.ok(checked >= 10, `${checked} relative links checked`);
});

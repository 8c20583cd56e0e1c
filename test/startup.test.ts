// No work at module load (docs/development.md): importing nlkit must not
// build the link kinds' attribute-name tables, the tc kinds' maps or the
// reverse name maps of the generated constants; they are built on first use.
// A fresh process imports the library under V8's precise coverage, which
// counts every call of every function; at load, the modules that keep such
// tables may only register their plug-ins. A table built at load again
// (`const X = attributeNames(...)`, a `.map()` at module level, a getter read
// by a spread) shows up as a call and fails this file.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** A function of the library that ran: its module (under src/), name and number of calls. */
interface Call { file: string; name: string; count: number }

/**
 * Runs in a fresh process: imports src/index.ts, then `use` (a function body
 * given the library's internals), and returns the library functions called by
 * each phase. Module bodies and tsx's `__name` helper are left out.
 */
function probe(use: string): { load: Call[]; use: Call[]; output: unknown } {
  const script = `
    import { Session } from 'node:inspector';
    const session = new Session();
    session.connect();
    const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (e, r) => (e ? reject(e) : resolve(r))));
    const src = ${JSON.stringify(new URL('../src/', import.meta.url).href)};
    const calls = (result) => result.flatMap((script) => !script.url.startsWith(src) ? [] : script.functions
      .filter((f) => f.ranges[0].startOffset !== 0 && f.ranges[0].count > 0 && f.functionName !== '__name')
      .map((f) => ({ file: script.url.slice(src.length), name: f.functionName || '(anonymous)', count: f.ranges[0].count })));
    await post('Profiler.enable');
    await post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
    await import(src + 'index.ts');
    const load = calls((await post('Profiler.takePreciseCoverage')).result);
    const internals = {
      kinds: await import(src + 'route/links/kinds/index.ts'),
      names: await import(src + 'route/links/attribute-names.ts'),
      metrics: await import(src + 'route/routes/metrics.ts'),
      iproute2: await import(src + 'route/iproute2-names.ts'),
      tcProtocol: await import(src + 'route/tc/protocol.ts'),
    };
    await post('Profiler.takePreciseCoverage');
    const output = await (async ({ kinds, names, metrics, iproute2, tcProtocol }) => { ${use} })(internals);
    const use = calls((await post('Profiler.takePreciseCoverage')).result);
    process.stdout.write(JSON.stringify({ load, use, output }));
  `;
  const env = { ...process.env };
  // tap's own coverage and loaders stay out of the probe.
  delete env.NODE_V8_COVERAGE;
  delete env.NODE_OPTIONS;
  const run = spawnSync(process.execPath, ['--import=tsx', '--input-type=module', '-e', script], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0) throw new Error(`the probe failed (${run.status ?? run.signal}): ${run.stderr}`);
  return JSON.parse(run.stdout) as { load: Call[]; use: Call[]; output: unknown };
}

// The modules that keep tables and maps and build them on first use.
const LAZY_MODULES = [
  'route/links/kinds/', 'route/tc/', 'route/links/attribute-names.ts', 'route/constant-names.ts', 'route/iproute2-names.ts',
  'nftables/expressions/registry.ts', 'route/iproute2-databases.ts',
];

// What those modules may call at load: registering plug-ins (a Map entry and
// a shape check each), the factories that make one plug-in object for
// several kinds (gre/gretap, ipip/sit/ip6tnl, vti/vti6, macvtap, the fifos,
// ingress/clsact, the u32-based ones), a few constant computations, and the
// wrappers that defer a table (once, lazyAttributeNames, constantNames).
const ALLOWED_AT_LOAD = new Set([
  'route/links/kinds/index.ts registerLinkKind', 'route/links/kinds/index.ts registerSlaveKind',
  'route/links/kinds/index.ts requirePlugin', 'route/links/kinds/index.ts kindToCreate',
  'route/tc/kind.ts registerTcKind', 'route/tc/kind.ts registerTcActionKind', 'route/tc/kind.ts requirePlugin',
  'route/links/kinds/gre-data.ts greKind', 'route/links/kinds/iptun-data.ts iptunKind', 'route/links/kinds/vti-data.ts vtiKind',
  'route/links/kinds/tap-variant.ts tapVariant', 'route/tc/qdiscs/fifo.ts fifo', 'route/tc/qdiscs/ingress.ts filterOnly',
  'route/tc/qdiscs/u32-fields.ts u32FieldsKind', 'route/tc/handle.ts tcHandle',
  'route/constant-names.ts once', 'route/links/attribute-names.ts lazyAttributeNames', 'route/constant-names.ts constantNames',
  'route/constant-names.ts LazyNames', 'route/constant-names.ts <instance_members_initializer>',
  'nftables/expressions/registry.ts registerExpression',
  // One object per name database; its files are read on first use.
  'route/iproute2-databases.ts NameDatabase', 'route/iproute2-databases.ts <instance_members_initializer>',
]);

const lazyModule = (c: Call) => LAZY_MODULES.some((m) => c.file.startsWith(m));
// A class's static initializer runs where the class is defined (tsx adds one per class, to name it).
const definesClass = (c: Call) => c.name === '<static_initializer>';
const label = (c: Call) => `${c.file} ${c.name}`;

t.test('importing nlkit builds no kind table, name map or tc map; first use builds them', async (t) => {
  const result = probe(`
    const vxlan = kinds.linkKind('vxlan');
    return {
      vxlanId: vxlan.dataAttributeNames[1],
      macvtapLikeMacvlan: kinds.linkKind('macvtap').dataAttributeNames === kinds.linkKind('macvlan').dataAttributeNames,
      bridgeSpecKeys: kinds.linkKind('bridge').specKeys.includes('forwardDelay'),
      path: names.linkAttributeName([18, 2, 1], vxlan.dataAttributeNames),
      rtax: metrics.RTAX_NAMES.get(2),
      manyRtax: metrics.RTAX_NAMES.size > 10,
      table: iproute2.parseRouteTable('main'),
      tcAll: tcProtocol.parseTcProtocol('all'),
    };
  `);
  t.ok(result.load.some((c) => c.name === 'registerLinkKind'), 'the probe sees calls made at load (the kinds register)');

  const atLoad = result.load.filter(lazyModule).filter((c) => !definesClass(c) && !ALLOWED_AT_LOAD.has(label(c)));
  t.same(atLoad.map((c) => `${label(c)} (${c.count}x)`), [],
    'no table is built at load in the kinds, tc and name-map modules (build it in once(), a getter or a LazyNames map)');
  for (const builder of ['attributeNames', 'invert']) {
    t.notOk(result.load.some((c) => c.name === builder), `${builder}() does not run at load`);
  }
  t.comment(`library functions called at load (all modules): ${result.load.length}; outside the lazy modules: ${
    result.load.filter((c) => !lazyModule(c) && !definesClass(c)).map(label).join(', ')}`);

  // The probe would see a table built: first use builds each one, with the contents of an eager build.
  t.ok(result.use.some((c) => c.name === 'attributeNames' && c.count >= 2), 'reading dataAttributeNames builds the tables (IFLA_* and the kind\'s)');
  t.notOk(result.load.some((c) => c.file === 'route/iproute2-databases.ts' && c.name === 'readEntries'), 'no /etc/iproute2 file is read at load');
  t.ok(result.use.some((c) => c.file === 'route/iproute2-databases.ts' && c.name === 'readEntries'), 'parsing a table name reads the name databases');
  t.same(result.output, {
    vxlanId: 'IFLA_VXLAN_ID',
    macvtapLikeMacvlan: true,
    bridgeSpecKeys: true,
    path: 'IFLA_LINKINFO/IFLA_INFO_DATA/IFLA_VXLAN_ID',
    rtax: 'RTAX_MTU',
    manyRtax: true,
    table: 254,
    tcAll: 3,
  }, 'the lazily built tables hold what the eager ones held');
});

t.test('a name map from constantNames() is a Map filled on first read', async (t) => {
  const { constantNames } = await import('../src/route/constant-names.js');
  const constants = { X_A: 1, X_B: 2, X_BB: 2, X_MAX: 2, Y_C: 3, X_F_FLAG: 4 };
  const names = constantNames(constants, 'X_', ['X_F_']);
  t.ok(names instanceof Map);
  t.equal(names.size, 2);
  t.same([...names], [[1, 'X_A'], [2, 'X_B']], 'the alphabetically first name wins a shared value; _MAX and excluded prefixes are skipped');
  t.same([...constantNames(constants, 'X_').keys()], [1, 2, 4]);
  t.equal(constantNames(constants, 'X_').get(4), 'X_F_FLAG');
  t.ok(constantNames(constants, 'X_').has(1));
  const set = constantNames(constants, 'X_');
  set.set(9, 'X_NINE');
  t.same([...set.values()], ['X_A', 'X_B', 'X_F_FLAG', 'X_NINE'], 'a write after (or as) the first access keeps the filled entries');
  const seen: number[] = [];
  constantNames(constants, 'X_').forEach((_, value) => seen.push(value));
  t.same(seen, [1, 2, 4]);
});

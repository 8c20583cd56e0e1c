// The shape shared by `routes` and `addrs`: add many objects, dump them,
// delete them, with nlkit (packed and one per request) and iproute2 (batch,
// one process per object on a subset, and `ip -j` for the dump).
import type { RouteConnection } from '../../src/route/connection.js';
import type { Loaded, OpenRoute } from '../harness/nlkit.js';
import type { Implementation, MetricSpec, RunInfo, Verifier } from '../harness/scenario.js';
import { defaultRatioPairs } from '../harness/measure.js';
import { perSecond } from '../harness/stats.js';
import { ipBatch, ipIn, nlkitBatch, run } from '../harness/tools.js';

export interface BulkDefinition<Spec> {
  /** Plural noun for units and messages: `routes`, `addresses`. */
  noun: string;
  netns: string;
  count: number;
  /** Objects added by one `ip` process each, for ip-fork. */
  forks: number;
  /** The i-th object for nlkit. */
  spec(i: number): Spec;
  /** The i-th object as the arguments after `ip -n NS` (also a batch line). */
  ipAdd(i: number): string;
  ipDelete(i: number): string;
  /** `ip` arguments that print the objects, e.g. `route show`. */
  ipShow: string[];
  /** Objects of ours in `ip ... show` text. */
  countText(text: string): number;
  /** Objects of ours in `ip -j ... show` output. */
  countJson(json: unknown): number;
  nlkit: {
    addMany(rt: RouteConnection, specs: Spec[]): void;
    add(rt: RouteConnection, spec: Spec): void;
    deleteMany(rt: RouteConnection, specs: Spec[]): void;
    delete(rt: RouteConnection, spec: Spec): void;
    /** Dumps and returns how many of the objects are ours, checking a decoded sample. */
    dump(rt: RouteConnection, verify: Verifier): number;
  };
}

export function bulkMetrics(noun: string): MetricSpec[] {
  return [
    { key: 'add', unit: `${noun}/s`, better: 'higher', description: `${noun} added per second` },
    { key: 'dump', unit: `${noun}/s`, better: 'higher', description: `${noun} dumped per second, into objects (nlkit, ip -j + JSON.parse) or printed (ip)` },
    { key: 'delete', unit: `${noun}/s`, better: 'higher', description: `${noun} deleted per second` },
  ];
}

function timed(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

export function bulkImplementations<Spec>(def: BulkDefinition<Spec>, route: Loaded<OpenRoute>): Implementation[] {
  const { netns, count, noun } = def;
  const indexes = Array.from({ length: count }, (_, i) => i);
  const addLines = indexes.map(def.ipAdd);
  const deleteLines = indexes.map(def.ipDelete);
  const ours = () => def.countText(ipIn(netns, ...def.ipShow));
  const checkPresent = (verify: Verifier, expected: number, when: string) => {
    const present = ours();
    verify.check(present === expected, `${present} ${noun} present ${when}, expected ${expected}`);
  };
  const unavailable = route.unavailable !== undefined ? { notApplicable: route.unavailable } : {};

  let rt: RouteConnection | undefined;
  let specs: Spec[] = [];
  const nlkitPrepare = () => {
    rt ??= route.api!({ netns });
    specs = indexes.map(def.spec);
  };
  const nlkitDispose = () => {
    rt?.close();
    rt = undefined;
  };

  const packed: Implementation = {
    name: 'nlkit',
    ...unavailable,
    prepare: nlkitPrepare,
    run({ verify }: RunInfo) {
      const addMs = timed(() => def.nlkit.addMany(rt!, specs));
      checkPresent(verify, count, 'after addMany');
      let dumped = 0;
      const dumpMs = timed(() => {
        dumped = def.nlkit.dump(rt!, verify);
      });
      verify.check(dumped === count, `dump returned ${dumped} of our ${count} ${noun}`);
      const deleteMs = timed(() => def.nlkit.deleteMany(rt!, specs));
      checkPresent(verify, 0, 'after deleteMany');
      return { metrics: { add: perSecond(count, addMs), dump: perSecond(count, dumpMs), delete: perSecond(count, deleteMs) } };
    },
    dispose: nlkitDispose,
  };

  const each: Implementation = {
    name: 'nlkit-each',
    ...unavailable,
    metricNotApplicable: { dump: 'the same dump as nlkit' },
    prepare: nlkitPrepare,
    run({ verify }: RunInfo) {
      const addMs = timed(() => {
        for (const spec of specs) def.nlkit.add(rt!, spec);
      });
      checkPresent(verify, count, 'after one add per request');
      const deleteMs = timed(() => {
        for (const spec of specs) def.nlkit.delete(rt!, spec);
      });
      checkPresent(verify, 0, 'after one delete per request');
      return { metrics: { add: perSecond(count, addMs), delete: perSecond(count, deleteMs) } };
    },
    dispose: nlkitDispose,
  };

  const batch: Implementation = {
    name: 'ip-batch',
    run({ verify }: RunInfo) {
      const addMs = timed(() => ipBatch(addLines, netns));
      let shown = 0;
      const dumpMs = timed(() => {
        shown = def.countText(ipIn(netns, ...def.ipShow));
      });
      verify.check(shown === count, `ip ${def.ipShow.join(' ')} printed ${shown} of our ${count} ${noun}`);
      const deleteMs = timed(() => ipBatch(deleteLines, netns));
      checkPresent(verify, 0, 'after the delete batch');
      return { metrics: { add: perSecond(count, addMs), dump: perSecond(count, dumpMs), delete: perSecond(count, deleteMs) } };
    },
  };

  const json: Implementation = {
    name: 'ip-json',
    metricNotApplicable: { add: 'dump only (adds like ip-batch)', delete: 'dump only (deletes like ip-batch)' },
    run({ verify }: RunInfo) {
      ipBatch(addLines, netns);
      let parsed = 0;
      const dumpMs = timed(() => {
        parsed = def.countJson(JSON.parse(ipIn(netns, '-j', ...def.ipShow)));
      });
      verify.check(parsed === count, `ip -j ${def.ipShow.join(' ')} gave ${parsed} of our ${count} ${noun}`);
      ipBatch(deleteLines, netns);
      return { metrics: { dump: perSecond(count, dumpMs) } };
    },
  };

  const fork: Implementation = {
    name: 'ip-fork',
    metricNotApplicable: { dump: 'a dump is one process either way: see ip-batch' },
    run({ verify }: RunInfo) {
      const subset = indexes.slice(0, def.forks);
      const addMs = timed(() => {
        for (const i of subset) run('ip', ['-n', netns, ...def.ipAdd(i).split(' ')]);
      });
      checkPresent(verify, subset.length, `after ${subset.length} ip processes`);
      const deleteMs = timed(() => {
        for (const i of subset) run('ip', ['-n', netns, ...def.ipDelete(i).split(' ')]);
      });
      checkPresent(verify, 0, 'after the deleting ip processes');
      return { metrics: { add: perSecond(subset.length, addMs), delete: perSecond(subset.length, deleteMs) } };
    },
  };

  // The nlkit command, as a user runs it: one process reading the same batch
  // file ip-batch reads (Node's start-up included).
  const cliBatch: Implementation = {
    name: 'cli-batch',
    metricNotApplicable: { dump: 'see nlkit (the command prints ip\'s JSON from the same listing)' },
    run({ verify }: RunInfo) {
      const addMs = timed(() => nlkitBatch(addLines, netns));
      checkPresent(verify, count, 'after nlkit -batch');
      const deleteMs = timed(() => nlkitBatch(deleteLines, netns));
      checkPresent(verify, 0, 'after the deleting nlkit -batch');
      return { metrics: { add: perSecond(count, addMs), delete: perSecond(count, deleteMs) } };
    },
  };

  return [packed, each, batch, json, fork, cliBatch];
}

export function bulkNotes(def: { noun: string; count: number; forks: number; ipShow: string[] }): string[] {
  return [
    `${def.count} ${def.noun} per run, added, dumped and deleted by each implementation in turn`,
    'nlkit: addMany/deleteMany (requests packed up to 256 per send, one ack per send) and a dump decoded into objects; nlkit-each: one request per send',
    `ip-batch: one \`ip -n NS -batch -\` per phase; its dump figure is \`ip -n NS ${def.ipShow.join(' ')}\` printing text (counted in Node); ip-json: \`ip -n NS -j ${def.ipShow.join(' ')}\` + JSON.parse`,
    `ip-fork: one \`ip\` process per object on a subset of ${def.forks} ${def.noun}; its rate is extrapolated from that subset`,
  ];
}

/** Lines of `text` that contain `needle`. */
export function countMatching(text: string, needle: string): number {
  let n = 0;
  for (const line of text.split('\n')) if (line.includes(needle)) n++;
  return n;
}

/** nlkit's rows against the baselines, and the `nlkit -batch` command (`cli-batch`) against `ip -batch`. */
export function bulkRatioPairs(implementations: readonly Implementation[]): [string, string][] {
  const names = implementations.map((i) => i.name);
  const pairs = defaultRatioPairs(names);
  if (names.includes('cli-batch') && names.includes('ip-batch')) pairs.push(['cli-batch', 'ip-batch']);
  return pairs;
}

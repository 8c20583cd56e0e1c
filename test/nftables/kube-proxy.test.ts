// Issue 11's proof for a kube-proxy-sized ruleset: the generated ruleset of
// fixtures/nftables/kube-proxy.ts (3,000 Services, as kube-proxy's nftables
// mode writes them) is loaded with `nft -f`, listed through nlkit, flushed,
// re-created from nlkit's listing in one transaction, and must print the same
// `nft list ruleset` and `nft -j list ruleset` as before.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import t from 'tap';
import { hashedChainBase, kubeProxyRuleset, kubeProxyRulesetSummary, type KubeProxyRulesetOptions } from '../../fixtures/nftables/kube-proxy.js';
import { requireRoot, testNetns } from '../helpers/netns.js';
import { maskNftText } from '../helpers/volatile.js';
import { nft, nftLoad, openFor } from './helpers.js';
import { comparableJson } from './corpus.js';

t.test('the generator: deterministic per seed, kube-proxy\'s names and shapes', async (t) => {
  const options = { services: 200, endpointsPerService: 3 };
  const text = kubeProxyRuleset(options);
  t.equal(kubeProxyRuleset(options), text, 'same options, same text');
  t.not(kubeProxyRuleset({ ...options, seed: 2 }), text, 'another seed, another cluster');
  t.match(text, /^add table ip kube-proxy \{ comment "rules for kube-proxy" ; \}\n/);
  // Chain names hashed as kube-proxy hashes them (pkg/proxy/nftables/proxier_test.go expects these).
  t.equal(hashedChainBase('ns1/svc1/tcp/p80'), 'ULMVA6XW-ns1/svc1/tcp/p80');
  t.equal(hashedChainBase('ns1/svc1/tcp/p80__10.180.0.1/80'), '5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80');
  t.equal(hashedChainBase('ns5/svc5/tcp/p80'), 'HVFWP5L3-ns5/svc5/tcp/p80');
  t.match(text, /add map ip kube-proxy service-ips \{ type ipv4_addr \. inet_proto \. inet_service : verdict ; comment "ClusterIP, ExternalIP and LoadBalancer IP traffic" ; \}/);
  t.match(text, /add rule ip kube-proxy service-[A-Z2-7]{8}-ns-0\/svc-0\/tcp\/http numgen random mod \d+ vmap \{ 0 : goto endpoint-[A-Z2-7]{8}-ns-0\/svc-0\/tcp\/http__10\.180\.0\.1\/8080/);
  t.match(text, /add rule ip kube-proxy endpoint-\S+ ip saddr 10\.180\.0\.1 jump mark-for-masquerade\n/);
  t.match(text, /meta l4proto tcp dnat to 10\.180\.0\.1:8080\n/);
  t.match(text, /add element ip kube-proxy no-endpoint-services \{ \S+ \. \w+ \. \d+ comment "ns-\d+\/svc-\d+:[\w-]+" : goto reject-chain \}/);
  t.match(text, /flags dynamic,timeout ; timeout 10800s/, 'some Services have session affinity');
  t.match(text, /fib saddr type local jump mark-for-masquerade comment "masquerade local traffic"/, 'some have Local traffic policy');
  t.match(text, /ip saddr != \{ 203\.0\.11\d\.0\/25 \} drop/, 'some have source ranges');
  const dual = kubeProxyRuleset({ ...options, families: ['ip', 'ip6'] });
  t.match(dual, /add rule ip6 kube-proxy endpoint-\S+__fd00\.10\.\.1\/8080 meta l4proto tcp dnat to \[fd00:10::1\]:8080\n/);
  const summary = kubeProxyRulesetSummary(options);
  t.equal(summary.services, 200);
  t.ok(summary.servicePorts > 200 && summary.endpoints > 2 * summary.servicePorts, `${JSON.stringify(summary)}`);
  t.throws(() => kubeProxyRuleset({ services: 0, endpointsPerService: 3 }), RangeError);
  t.throws(() => kubeProxyRuleset({ services: 10, endpointsPerService: 3, families: ['inet' as 'ip'] }), RangeError);
});

// nft takes seconds per listing of 3,000 Services (measured in the file's
// comments as it runs); on a loaded two-core machine several times that.
t.setTimeout(10 * 60_000);

const run = promisify(execFile);

/**
 * `nft list ruleset` (masked as rulesetText masks it) and `nft -j list
 * ruleset` (comparable), run side by side: for 3,000 Services each takes nft
 * several seconds, and the machine has two cores.
 */
async function nftViews(netns: string): Promise<{ text: string; json: any[] }> {
  const list = (...args: string[]) => run('ip', ['netns', 'exec', netns, 'nft', ...args, 'list', 'ruleset'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const [text, json] = await Promise.all([list(), list('-j')]);
  return { text: maskNftText(text.stdout), json: comparableJson(JSON.parse(json.stdout).nftables) };
}

function proof(name: string, options: KubeProxyRulesetOptions): void {
  t.test(name, async (t) => {
    if (!requireRoot(t)) return;
    const [ns] = testNetns(t, 1, 'nftkp');
    const timings: string[] = [];
    const timed = async <T>(what: string, fn: () => T | Promise<T>): Promise<T> => {
      const t0 = performance.now();
      const result = await fn();
      timings.push(`${what} ${Math.round(performance.now() - t0)} ms`);
      return result;
    };
    const text = kubeProxyRuleset(options);
    await timed('nft -f', () => nftLoad(ns!, text));
    const before = await timed('nft list ruleset and nft -j list ruleset', () => nftViews(ns!));
    t.not(before.text.trim(), '', 'the ruleset loaded');
    const conn = openFor(t, ns!);
    const listed = await timed('nlkit listRuleset', () => conn.listRuleset());
    t.ok(listed.chains.length > options.services, `${listed.chains.length} chains, ${listed.rules.length} rules, ${listed.sets.length} sets listed`);
    nft(ns!, 'flush', 'ruleset');
    await timed('nlkit addRuleset', () => conn.addRuleset(listed));
    const after = await timed('nft list ruleset and nft -j list ruleset', () => nftViews(ns!));
    t.equal(after.text, before.text, 'nft list ruleset is identical');
    t.same(after.json, before.json, 'nft -j list ruleset is identical');
    t.comment(timings.join(', '));
  });
}

proof('3,000 Services (IPv4): nft -f → nlkit lists → flush → nlkit re-creates → identical nft text and JSON', { services: 3000, endpointsPerService: 3 });
proof('dual-stack, 100 Services: both tables round-trip', { services: 100, endpointsPerService: 2, families: ['ip', 'ip6'] });

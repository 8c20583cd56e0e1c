// ipFamily reads IPv4 addresses without node:net's regular expression: it
// must accept and refuse exactly what isIPv4/isIPv6 do.
import { isIPv4, isIPv6 } from 'node:net';
import t from 'tap';
import { ipFamily } from '../../src/netlink/addresses.js';

const expected = (text: string) => (isIPv4(text) ? 4 : isIPv6(text) ? 6 : 0);

t.test('edge cases', async (t) => {
  const cases = [
    '0.0.0.0', '255.255.255.255', '256.1.1.1', '1.1.1.256', '01.1.1.1', '1.1.1.01', '000.0.0.0', '0.0.0.00', '1.1.1',
    '1.1.1.1.1', '1..1.1', '.1.1.1', '1.1.1.1.', ' 1.1.1.1', '1.1.1.1 ', '1.1.1.1\n', '1.1.1.1/32', '١.١.١.١', '1.1.1.1%eth0',
    '10.0.0.1000', '99.99.99.99', '199.249.1.0', '::', '::1', '::ffff:1.2.3.4', 'fe80::1%eth0', 'fd00::1/64', '1:2:3:4:5:6:7:8',
    '1:2:3:4:5:6:7:8:9', '', '.', ':',
  ];
  for (const text of cases) t.equal(ipFamily(text), expected(text), JSON.stringify(text));
  t.equal(ipFamily(undefined as unknown as string), 0, 'not a string');
  t.equal(ipFamily(17 as unknown as string), 0, 'a number');
});

t.test('random strings and dotted numbers agree with node:net', async (t) => {
  // A seeded generator, so a failure names an input that comes back.
  let seed = 0x2545f491;
  const random = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 32;
  };
  const alphabet = '0123456789.:abcdefABCDEF%x /-';
  const mismatches: string[] = [];
  const check = (text: string) => {
    if (ipFamily(text) !== expected(text) && mismatches.length < 10) mismatches.push(text);
  };
  for (let i = 0; i < 200_000; i++) {
    const length = Math.floor(random() * 17);
    let text = '';
    for (let j = 0; j < length; j++) text += alphabet[random() < 0.8 ? Math.floor(random() * 11) : Math.floor(random() * alphabet.length)];
    check(text);
  }
  const part = () => {
    const r = random();
    return r < 0.3 ? String(Math.floor(random() * 300)) : r < 0.5 ? `0${Math.floor(random() * 30)}` : r < 0.6 ? '' : String(Math.floor(random() * 1000));
  };
  for (let i = 0; i < 100_000; i++) check(Array.from({ length: 3 + Math.floor(random() * 3) }, part).join('.'));
  t.same(mismatches, [], 'no input where ipFamily and node:net disagree');
});

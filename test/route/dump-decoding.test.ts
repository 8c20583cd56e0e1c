// The cheap paths dump decoding takes: IPv4 addresses are formatted with one
// String.fromCharCode per text length (7 to 15 characters) and cached; each
// length must print as inet_ntop does, also when the cache slot is reused.
import t from 'tap';
import { formatIp } from '../../src/netlink/addresses.js';

t.test('IPv4 addresses of every text length format as dotted quads', async (t) => {
  const octets = [0, 1, 9, 10, 11, 99, 100, 101, 199, 200, 255];
  const bytes = new Uint8Array(4);
  const lengths = new Set<number>();
  let wrong = 0;
  for (const a of octets) for (const b of octets) for (const c of octets) for (const d of octets) {
    bytes.set([a, b, c, d]);
    const want = `${a}.${b}.${c}.${d}`;
    lengths.add(want.length);
    // Twice: the second read comes from the cache.
    if (formatIp(bytes) !== want || formatIp(bytes) !== want) wrong++;
  }
  t.strictSame([...lengths].sort((x, y) => x - y), [7, 8, 9, 10, 11, 12, 13, 14, 15], 'every length from 0.0.0.0 to 255.255.255.255');
  t.equal(wrong, 0, `all ${octets.length ** 4} addresses`);
  // Inside a larger buffer, at an offset, as a route attribute is.
  const message = Buffer.from([0xff, 0xff, 10, 100, 7, 255, 0xff]);
  t.equal(formatIp(message, 2, 4), '10.100.7.255');
});

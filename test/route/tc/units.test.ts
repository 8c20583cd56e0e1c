// Rates, sizes, times, handles and the transmit-time arithmetic, read and
// computed as iproute2 does (values worked out from tc_util.c / tc_core.c by hand).
import t from 'tap';
import { InvalidArgumentError } from '../../../src/netlink/addresses.js';
import { PschedClock, rateTable } from '../../../src/route/tc/clock.js';
import { formatClassId, formatQdiscHandle, parseClassId, parseQdiscHandle } from '../../../src/route/tc/handle.js';
import { formatU32Handle, parseU32Handle } from '../../../src/route/tc/filters/u32.js';
import { formatRate, formatSize, formatTime, parseRate, parseSize, parseSizeAndCell, parseTime, strtod } from '../../../src/route/tc/units.js';

/** /proc/net/psched of a kernel with a 64 ns scheduler tick (every kernel since 2.6.x with high-resolution timers). */
const PSCHED = '000003e8 00000040 000f4240 3b9aca00';

t.test('rates as get_rate64 reads them (bytes per second)', (t) => {
  const cases: [string | number, number][] = [
    ['1mbit', 125000], ['32kbit', 4000], ['1.5Mbit', 187500], ['1Kibit', 128], ['1mibit', 131072], ['8', 1], ['7bit', 0],
    ['100KBps', 100000], ['1MiBps', 1048576], ['1gbit', 125000000], ['10gbit', 1250000000], ['40gbit', 5000000000], ['1e3kbit', 125000],
    ['0x10kbit', 2000], [125000, 125000], ['2tbit', 250000000000], [' 1mbit', 125000],
  ];
  for (const [text, bytes] of cases) t.equal(parseRate(text), bytes, `${JSON.stringify(text)} is ${bytes} B/s`);
  for (const bad of ['', 'mbit', '1 mbit', '1mbits', '-1mbit', 'inf', 1.5, -1, null, '1e400bit']) {
    t.throws(() => parseRate(bad as never), InvalidArgumentError, `${JSON.stringify(bad)} refused`);
  }
  t.end();
});

t.test('sizes as get_size reads them', (t) => {
  const cases: [string | number, number][] = [
    ['10kb', 10240], ['10k', 10240], ['10K', 10240], ['1600', 1600], ['1600b', 1600], ['1m', 1048576], ['1mb', 1048576], ['1mbit', 131072],
    ['2kbit', 256], ['1g', 1073741824], ['1.5k', 1536], [0, 0],
  ];
  for (const [text, bytes] of cases) t.equal(parseSize(text), bytes, `${JSON.stringify(text)} is ${bytes} bytes`);
  for (const bad of ['1.5', '10kib', '4g', 'k', '-1k', 2 ** 32]) t.throws(() => parseSize(bad), InvalidArgumentError, `${JSON.stringify(bad)} refused (fraction, unit, overflow)`);
  t.same(parseSizeAndCell('20kb/8', 'burst'), { size: 20480, cellLog: 3 }, 'a cell size after the slash');
  t.same(parseSizeAndCell('1600', 'burst'), { size: 1600 }, 'no cell size');
  t.throws(() => parseSizeAndCell('20kb/6', 'burst'), /power of two/);
  t.end();
});

t.test('times as get_time reads them (microseconds)', (t) => {
  const cases: [string | number, number][] = [['400ms', 400000], ['25ms', 25000], ['1s', 1000000], ['1.5sec', 1500000], ['50us', 50], ['50', 50], ['0.5usecs', 0], ['2msecs', 2000]];
  for (const [text, us] of cases) t.equal(parseTime(text), us, `${JSON.stringify(text)} is ${us} us`);
  for (const bad of ['1min', 'ms', '-1ms', '1 ms']) t.throws(() => parseTime(bad), InvalidArgumentError, `${JSON.stringify(bad)} refused`);
  t.end();
});

t.test('strtod prefixes', (t) => {
  t.same(strtod('1.5e3kbit'), { value: 1500, rest: 'kbit' });
  t.same(strtod('0x1p4x'), { value: 16, rest: 'x' });
  t.same(strtod('1e'), { value: 1, rest: 'e' }, 'an exponent without digits is not part of the number');
  t.equal(strtod('kbit'), undefined);
  t.end();
});

t.test('printing like sprint_size, sprint_time and print_rate', (t) => {
  t.equal(formatSize(10240), '10Kb');
  t.equal(formatSize(1600), '1600b');
  t.equal(formatSize(10245), '10Kb', 'within 16 bytes of a whole Kb');
  t.equal(formatSize(10260), '10260b');
  t.equal(formatSize(1048576), '1Mb');
  t.equal(formatSize(1536 * 1024), '1536Kb', 'not a whole Mb');
  t.equal(formatTime(25000), '25ms');
  t.equal(formatTime(1500000), '1.5s');
  t.equal(formatTime(123456), '123ms');
  t.equal(formatTime(999), '999us');
  t.equal(formatRate(187500), '1500Kbit');
  t.equal(formatRate(250000), '2Mbit');
  t.equal(formatRate(125062), '1Mbit', 'a million bits and more: divided even when not whole');
  t.equal(parseRate('1.5'), 0, '1.5 bit/s is 0 bytes/s, as tc reads it');
  t.equal(formatRate(100), '800bit');
  t.end();
});

t.test('the scheduler clock and the transmit-time arithmetic', (t) => {
  const clock = new PschedClock(PSCHED);
  const legacy = new PschedClock(PSCHED, 'iproute2-before-6.15');
  t.equal(clock.ticksPerMicrosecond, 15.625, 'tick_in_usec: 1000/64 (64 ns ticks)');
  t.equal(clock.hz, 1e9, 'get_hz reads the fourth number');
  t.equal(new PschedClock('000003e8 00000040 000f4240 00000000').hz, 100, 'HZ 100 when the kernel reports 0');
  t.equal(clock.xmitTime(125000, 10240), 1280000, '10kb at 1mbit: 81920 us, 1280000 ticks');
  // 1000 bytes at 300 bytes/s: 3333333.33 us. iproute2 rounds the ticks up; before 6.15 it truncated the microseconds, then the ticks.
  t.equal(clock.xmitTime(300, 1000), 52083334);
  t.equal(legacy.xmitTime(300, 1000), 52083328);
  // 1500 bytes at 1gbit: 12 us exactly; 1000 bytes: 8 us. 999 bytes: 7.992 us -> 124.875 ticks.
  t.equal(clock.xmitTime(125e6, 999), 125, 'rounded up');
  t.equal(legacy.xmitTime(125e6, 999), 109, 'before 6.15: 7 us, 109.375 ticks, truncated');
  t.equal(clock.xmitSize(125e6, 124), 992, 'back to bytes: 7.936 us, truncated');
  t.equal(legacy.xmitSize(125e6, 124), 875, 'before 6.15: from 7 whole us');
  t.equal(clock.xmitTime(1, 2 ** 40), 0xffffffff, 'UINT_MAX at most');
  t.throws(() => new PschedClock('nonsense'), InvalidArgumentError);
  t.throws(() => new PschedClock(PSCHED, 'fast' as never), InvalidArgumentError);

  const r = rateTable(clock, 125000, {});
  t.same(r.spec, { cellLog: 3, linklayer: 1, overhead: 0, cellAlign: -1, mpu: 0, rate: 125000 }, 'cell_log 3 covers 2047 bytes in 256 cells');
  t.equal(r.table.readUInt32LE(0), 1000, 'the first cell: 8 bytes at 1mbit = 64 us = 1000 ticks');
  t.equal(r.table.readUInt32LE(255 * 4), 256000, 'the last: 2048 bytes');
  const atm = rateTable(clock, 125000, { linklayer: 'atm', mpu: 96, mtu: 1500 });
  t.equal(atm.spec.linklayer, 2);
  // mpu 96 makes the first cell 96 bytes; ATM: 2 cells of 48 → 106 bytes = 848 us.
  t.equal(atm.table.readUInt32LE(0), 13250, 'atm cells and mpu');
  const big = rateTable(clock, 2 ** 33, {});
  t.equal(big.spec.rate, 0xffffffff, 'a rate beyond 32 bits is clamped in the ratespec');
  t.end();
});

t.test('handles in tc\'s words', (t) => {
  const classids: [string | number, number, string][] = [
    ['1:10', 0x10010, '1:10'], ['1:', 0x10000, '1:'], [':10', 0x10, ':10'], ['root', 0xffffffff, 'root'], ['none', 0, 'none'],
    ['ingress', 0xfffffff1, 'ffff:fff1'], ['clsact', 0xfffffff1, 'ffff:fff1'], ['ffff:fff1', 0xfffffff1, 'ffff:fff1'], ['10', 0x10, ':10'], [0x10020, 0x10020, '1:20'],
  ];
  for (const [text, value, printed] of classids) {
    t.equal(parseClassId(text), value, `${JSON.stringify(text)} is ${value.toString(16)}`);
    t.equal(formatClassId(value), printed, `${value.toString(16)} prints as ${printed}`);
  }
  for (const bad of ['1:10000', '10000:', 'x:1', '1:2:3', -1, 'eth0']) t.throws(() => parseClassId(bad), InvalidArgumentError, `${JSON.stringify(bad)} refused`);
  t.equal(parseQdiscHandle('1:'), 0x10000);
  t.equal(parseQdiscHandle('ffff'), 0xffff0000);
  t.throws(() => parseQdiscHandle('1:10'), InvalidArgumentError, 'a qdisc handle has no minor');
  t.throws(() => parseQdiscHandle(0x10010), /minor half must be 0/);
  t.equal(formatQdiscHandle(0), '0:');
  t.equal(parseU32Handle('800::800', 'h'), 0x80000800);
  t.equal(parseU32Handle('2:', 'h'), 0x200000);
  t.equal(parseU32Handle('1:2:3', 'h'), 0x102003);
  t.equal(formatU32Handle(0x80000800), '800::800');
  t.equal(formatU32Handle(0x102003), '1:2:3');
  t.equal(formatU32Handle(0x80000000), '800:');
  t.throws(() => parseU32Handle('1000:', 'h'), InvalidArgumentError);
  t.end();
});

// An attribute's header states its length in 16 bits: one that would not fit
// is refused with InvalidArgumentError before anything is sent (the writer
// stores header bytes directly, so nothing else would notice the overflow).
import t from 'tap';
import { InvalidArgumentError } from '../../src/netlink/addresses.js';
import { MessageWriter } from '../../src/netlink/writer.js';

t.test('the largest attribute a header can state is written', async (t) => {
  const w = new MessageWriter(16);
  w.binary(7, Buffer.alloc(0xffff - 4, 1));
  t.equal(w.buf.readUInt16LE(0), 0xffff, 'nla_len');
  t.equal(w.buf.readUInt16LE(2), 7, 'nla_type');
  t.equal(w.offset, 0x10000, 'padded to 4 bytes');
});

t.test('one byte more is refused, naming the attribute', async (t) => {
  const w = new MessageWriter(16);
  t.throws(() => w.binary(7, Buffer.alloc(0xffff - 3)), InvalidArgumentError);
  t.throws(() => w.string(9, 'x'.repeat(0x10000)), { name: 'InvalidArgumentError', code: 'EINVAL', message: /attribute type 9 needs 65541 bytes/ });
  t.equal(w.offset, 0, 'nothing was written');
});

t.test('u32 attributes keep the low 32 bits, as before', async (t) => {
  const w = new MessageWriter(16);
  w.u32(1, -1).u32(2, 2 ** 32 + 5).u32(3, 0x12345678);
  t.strictSame([w.buf.readUInt32LE(4), w.buf.readUInt32LE(12), w.buf.readUInt32LE(20)], [0xffffffff, 5, 0x12345678]);
});

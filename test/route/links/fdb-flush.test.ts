// fdbFlush in bridge port options (IFLA_BRPORT_FLUSH) and bridge options
// (IFLA_BR_FDB_FLUSH): an empty attribute when true, nothing otherwise, and
// a non-boolean refused before anything is sent.
import t from 'tap';
import { IFLA_BR_FDB_FLUSH, IFLA_BRPORT_FLUSH } from '../../../src/generated/if_link.js';
import { InvalidArgumentError } from '../../../src/netlink/addresses.js';
import type { MessageWriter } from '../../../src/netlink/writer.js';
import { writtenAttributes } from '../../helpers/written-attributes.js';
import { encodeBridgePortOptions, validateBridgePortOptions } from '../../../src/route/links/bridge-port.js';
import { bridge } from '../../../src/route/links/kinds/bridge.js';

/** The (length, type) headers of the attributes `write` puts in an empty writer. */
function headers(write: (w: MessageWriter) => void): [number, number][] {
  return writtenAttributes(write).map((a) => [a.length, a.type]);
}

t.test('a port flush is an empty IFLA_BRPORT_FLUSH', async (t) => {
  const ctx = { linkIndex: () => 1 };
  t.same(headers((w) => encodeBridgePortOptions(w, validateBridgePortOptions({ fdbFlush: true }), ctx)), [[4, IFLA_BRPORT_FLUSH]]);
  t.same(headers((w) => encodeBridgePortOptions(w, validateBridgePortOptions({ fdbFlush: false, cost: 5 }), ctx)).map(([, type]) => type).includes(IFLA_BRPORT_FLUSH), false);
  t.throws(() => validateBridgePortOptions({ fdbFlush: 'yes' }), { constructor: InvalidArgumentError, message: /bridgePort.fdbFlush must be true or false/ });
});

t.test('a bridge flush is an empty IFLA_BR_FDB_FLUSH', async (t) => {
  const ctx = { linkIndex: () => 1, netnsFd: () => 0 };
  const spec = { type: 'bridge' as const, name: 'br0', fdbFlush: true };
  bridge.validate(spec);
  t.same(headers((w) => bridge.encodeInfoData!(spec, w, ctx)), [[4, IFLA_BR_FDB_FLUSH]]);
  t.same(headers((w) => bridge.encodeInfoData!({ ...spec, fdbFlush: false }, w, ctx)), []);
  t.throws(() => bridge.validate({ ...spec, fdbFlush: 1 as never }), { constructor: InvalidArgumentError, message: /fdbFlush must be true or false/ });
});

/**
 * A TCP peer for transfer-time tests (started by nodeIn in each namespace).
 * One process per namespace (node starts slowly on a busy machine): it
 * listens, prints `listening`, and reports each connection as `got TAG BYTES
 * MS` (MS from accept to the sender's end; TAG is the first 8 bytes up to the filler bytes 7); a stdin
 * line `send HOST PORT SIZE TAG` makes it send SIZE bytes starting with TAG.
 */
export const TRANSFER_PEER = `
const net = require('node:net');
net.createServer((s) => {
  const start = process.hrtime.bigint();
  const chunks = [];
  let bytes = 0;
  s.on('data', (d) => { bytes += d.length; if (chunks.length < 1) chunks.push(d); });
  s.on('end', () => {
    const tag = Buffer.concat(chunks).subarray(0, 8).toString().replace(/\\x07+$/, '');
    console.log('got ' + tag + ' ' + bytes + ' ' + Number(process.hrtime.bigint() - start) / 1e6);
    s.end();
  });
}).listen(Number(process.argv.at(-1)), '0.0.0.0', () => console.log('listening'));
let pending = '';
process.stdin.on('data', (d) => {
  const lines = (pending + d).split('\\n');
  pending = lines.pop();
  for (const line of lines) {
    const [, host, port, size, tag] = line.split(' ');
    const payload = Buffer.alloc(Number(size), 7);
    payload.write(tag);
    const c = net.connect({ host, port: Number(port) }, () => c.end(payload));
    c.on('error', (e) => console.log('fail ' + tag + ' ' + e.code));
  }
});
`;

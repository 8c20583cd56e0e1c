import type { Request } from '../netlink/socket.js';
import type { MessageWriter } from '../netlink/writer.js';

/**
 * A request whose payload is written from a prepared value by a shared encoder
 * function: one object per request and no closure, which counts when a batch
 * holds tens of thousands of routes.
 */
export class EncodedRequest<T> implements Request {
  constructor(
    readonly type: number,
    readonly flags: number,
    readonly value: T,
    private readonly encoder: (writer: MessageWriter, value: T) => void,
  ) {}

  encode(writer: MessageWriter): void {
    this.encoder(writer, this.value);
  }
}

/**
 * Makes errors keep their `code` across the worker boundary. Comlink's own 'throw' handler sends only
 * name/message/stack, so we swap in one that sends our wire form. Both threads install it.
 */
import { transferHandlers, type TransferHandler } from 'comlink';
import { fromWireError, toWireError, type WireError } from './errors.ts';

let installed = false;

/** Installs the error-preserving 'throw' handler (idempotent). */
export function installErrorTransfer(): void {
  if (installed) return;
  installed = true;
  const original = transferHandlers.get('throw') as TransferHandler<{ value: unknown }, WireError>;
  transferHandlers.set('throw', {
    canHandle: original.canHandle,
    serialize: ({ value }: { value: unknown }) => [toWireError(value), []],
    deserialize: (wire: WireError) => {
      throw fromWireError(wire);
    },
  } as TransferHandler<{ value: unknown }, WireError>);
}

// What one write to a device came to (Modbus, or a PLC tag through its channel), as the writes service answers it: to the API
// and to write-back over MQTT alike.
export type WriteOutcome =
  | { readonly kind: 'ok'; readonly at: number }
  /** Nothing that can write (a DTU session, a Modbus TCP channel) reaches the device now. */
  | { readonly kind: 'not-online' }
  | { readonly kind: 'exception'; readonly code: number; readonly name: string }
  | { readonly kind: 'timeout'; readonly attempts: number }
  | { readonly kind: 'bad-response' }
  | { readonly kind: 'closed' }
  /** A PLC refused the write (S7: an address past the end of its area, a protected DB; MC: an end code). */
  | { readonly kind: 'refused'; readonly message: string };

// The byte-level faults a simulated DTU can put on its answers: a heartbeat spliced into a
// response (what real DTUs do when their timer fires mid-frame) and a broken CRC.

/**
 * The response packet with `heartbeat` inside it. Typed messages are length-delimited, so
 * there the heartbeat can only go just before the response; otherwise it is cut into the
 * middle of the RTU frame itself, never into a prefix.
 */
export function withHeartbeatInside(packet: Buffer, rtu: Buffer, heartbeat: Buffer, typed: boolean): Buffer {
  if (typed) return Buffer.concat([heartbeat, packet]);
  const cut = packet.length - rtu.length + (rtu.length >>> 1);
  return Buffer.concat([packet.subarray(0, cut), heartbeat, packet.subarray(cut)]);
}

/** A copy of the frame with its last CRC byte inverted. */
export function withBrokenCrc(frame: Buffer): Buffer {
  const corrupted = Buffer.from(frame);
  corrupted[corrupted.length - 1] = corrupted[corrupted.length - 1]! ^ 0xff;
  return corrupted;
}

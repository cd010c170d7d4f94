// examples/test/guide/layer/byte-meter-layer.ts — the layer of the layer guide: a layered service
// provider that counts the bytes each socket sends and receives, in either style.
import {
  defineLayeredProvider,
  type LayerContext,
  type LayeredProvider,
  type LayerStyle,
  type SOCKET,
  SOCKET_ERROR,
} from '@ws2spi/spi';

/** Bytes through the layer, by the handle the layer above (or the application) holds. */
export interface Meter {
  sent: number;
  received: number;
  /** The handle of the same socket one provider down: another one (non-IFS), or the same (IFS). */
  lower: SOCKET | undefined;
}

/**
 * A byte meter: `WSPSend` and `WSPRecv` go through it and add what moved to `meters`; every other
 * call passes through untouched (a non-IFS layer forwards them itself, an IFS one never sees them).
 */
export function createByteMeter(style: LayerStyle, meters = new Map<SOCKET, Meter>()) {
  const meterOf = (s: SOCKET, layer: LayerContext): Meter => {
    let meter = meters.get(s);
    if (!meter) {
      meter = { sent: 0, received: 0, lower: layer.lower(s)?.socket };
      meters.set(s, meter);
    }
    return meter;
  };
  const provider: LayeredProvider = defineLayeredProvider({
    description: `byte meter (${style})`,
    style,
    calls: {
      // Each override gets the function it replaces (the call's way down) and returns the new one.
      lpWSPSend:
        (next, layer) => async (s, buffers, count, sent, flags, overlapped, routine, thread, errno) => {
          const rc = await next(s, buffers, count, sent, flags, overlapped, routine, thread, errno);
          if (rc !== SOCKET_ERROR && sent) meterOf(s, layer).sent += sent.value;
          return rc;
        },
      lpWSPRecv:
        (next, layer) => async (s, buffers, count, received, flags, overlapped, routine, thread, errno) => {
          const rc = await next(s, buffers, count, received, flags, overlapped, routine, thread, errno);
          if (rc !== SOCKET_ERROR && received) meterOf(s, layer).received += received.value;
          return rc;
        },
    },
  });
  return { provider, meters };
}

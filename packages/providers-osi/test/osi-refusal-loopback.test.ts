/**
 * How a listener of each class refuses a connection request, seen from a raw ISO-on-TCP peer
 * (`RawCotpPeer`, plain `node:net`) over loopback: the peer's bytes are decoded with the codec, so
 * the test checks exactly what reached the wire and how TCP ended.
 *
 * A refusal is a DR with SRC-REF 0 addressed to the CR's SRC-REF, then a graceful TCP close (FIN),
 * never a reset (osi-transport.md §4.3: "Refusing a CR: send DR(reason 0..3), then close"). A
 * class-0 CR can only be refused with reasons 0–3 (X.224; tosi's `drReason` table), so the
 * provider gives 0, "reason not specified"; a class-2 CR refused by the application gets 0x80
 * ("normal disconnect initiated by the session entity": the user decided). This holds for every
 * way the kit refuses: the accept condition's `CF_REJECT`, a full backlog, a listener closed with
 * requests still queued.
 */
import { sockaddrTp } from '@ws2spi/providers-osi';
import { nodeStreamNetwork, type Socket, WSAECONNREFUSED } from '@ws2spi/spi';
import type { DrTpdu } from '../src/cotp/tpdu';
import { DisconnectReason } from '../src/cotp/tpdu-codes';
import { type OsiProcess, startOsiProcess } from './support/osi-process';
import {
  connectTo,
  errorOf,
  exchange,
  fdAcceptSignalled,
  SocketBag,
  tcpPortOf,
  utf8,
} from './support/osi-steps';
import { RawCotpPeer } from './support/raw-cotp-peer';

/** What the raw peer uses as its reference. */
const PEER_REF = 0x4321;

type OsiClass = 0 | 2;

/** The reason a refusal by this end carries for a CR of `protocolClass`. */
const REFUSAL_REASON: Record<OsiClass, number> = {
  0: DisconnectReason.NOT_SPECIFIED,
  2: DisconnectReason.NORMAL,
};

describe.each([0, 2] as const)('a class-%i listener refusing a CR over loopback', (protocolClass) => {
  let proc: OsiProcess;
  let bag: SocketBag;
  const raws: RawCotpPeer[] = [];

  beforeEach(() => {
    proc = startOsiProcess({ streams: nodeStreamNetwork() });
    bag = new SocketBag(proc.ws2);
  });

  afterEach(() => {
    for (const r of raws.splice(0)) r.close();
    bag.closeAll();
    proc.end();
  });

  /** A raw peer connected to `listener` that has sent a CR of this class for `SRV`. */
  async function requestFrom(listener: Socket, srcRef = PEER_REF): Promise<RawCotpPeer> {
    const peer = await RawCotpPeer.connect(tcpPortOf(listener.localAddress()));
    raws.push(peer);
    peer.send({
      type: 'CR',
      dstRef: 0,
      srcRef,
      classOption: { protocolClass, extendedFormats: false, noExplicitFlowControl: protocolClass === 2 },
      parameters: { calledTsap: utf8('SRV'), tpduSizeCode: 11 },
      userData: new Uint8Array(0),
    });
    return peer;
  }

  /** The peer got exactly one DR refusing its CR, then a FIN: no reset. */
  async function expectRefused(peer: RawCotpPeer, srcRef = PEER_REF): Promise<void> {
    expect(await peer.closed()).toBe('end');
    expect(peer.tpdus.map((t) => t.type)).toEqual(['DR']);
    const dr = peer.tpdus[0] as DrTpdu;
    expect({ dstRef: dr.dstRef, srcRef: dr.srcRef, reason: dr.reason, data: dr.userData.byteLength }).toEqual(
      {
        dstRef: srcRef,
        srcRef: 0,
        reason: REFUSAL_REASON[protocolClass],
        data: 0,
      },
    );
  }

  it(`CF_REJECT from the accept condition: DR reason 0x${REFUSAL_REASON[protocolClass].toString(16)}, then FIN`, async () => {
    const listener = await bag.listener('SRV', protocolClass);
    const peer = await requestFrom(listener);
    let asked = 0;
    const refused = errorOf(
      listener.accept(() => {
        asked++;
        return { accept: false };
      }),
    );
    // WSAAccept reports the rejection it made (MSDN: WSAECONNREFUSED for CF_REJECT).
    expect(await refused).toBe(WSAECONNREFUSED);
    expect(asked).toBe(1);
    await expectRefused(peer);
    // The listener still serves a provider client of its class.
    await exchange(await connectTo(bag, listener, protocolClass), 'after the refusal');
  });

  it('a full backlog: the request beyond it gets the DR, then FIN; the queued one is still accepted', async () => {
    const listener = await bag.open(protocolClass);
    await listener.bind(sockaddrTp('SRV', '127.0.0.1', 0));
    await listener.listen(1);
    const queued = await requestFrom(listener, 0x1111);
    await fdAcceptSignalled(listener);
    // The backlog of 1 is full: the next request is refused by the kit.
    const beyond = await requestFrom(listener, 0x2222);
    await expectRefused(beyond, 0x2222);
    const accepted = await listener.accept();
    bag.adopt(accepted.socket);
    expect((await queued.next('CC')).dstRef).toBe(0x1111);
  });

  it('a listener closed with a request queued: the request gets the DR, then FIN', async () => {
    const listener = await bag.listener('SRV', protocolClass);
    const address = listener.localAddress()!;
    const peer = await requestFrom(listener);
    await fdAcceptSignalled(listener);
    listener.close();
    await expectRefused(peer);
    // Nobody serves the selector any more.
    const caller = await bag.open(protocolClass);
    expect(await errorOf(caller.connect(address))).toBe(WSAECONNREFUSED);
  });
});

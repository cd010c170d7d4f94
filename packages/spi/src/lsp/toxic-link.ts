/**
 * One connection as a fault injector's toxics see it: the data this side sends and receives on one
 * connected socket (stream or message), and what each toxic does to it.
 *
 * - **Outbound** data goes through a pipe of the layer's own: `send` copies the bytes, shapes them
 *   (latency, bandwidth, slicer, limit_data, reset_peer) into segments with a time to leave, and
 *   completes at once while the pipe holds less than `PIPE_CAPACITY` bytes (then it waits, as a
 *   blocking send waits for buffer space; a non-blocking one fails with `WSAEWOULDBLOCK` and the
 *   layer signals `FD_WRITE` when there is room). The pipe hands the segments to the provider below when
 *   their time comes, in order. A graceful `shutdown(SD_SEND)`, `WSASendDisconnect` or `closesocket`
 *   made while the pipe holds data (or a `slow_close` toxic is on) is queued behind it and answered
 *   at once, as Windows answers a graceful close and sends the rest in the background; an abortive
 *   close (`SO_LINGER {1, 0}`) drops the pipe.
 * - **Inbound** toxics act on the receive calls: a receive waits while data is stopped (`timeout`),
 *   asks the provider below for no more than a slice (`slicer`), a 100 ms share (`bandwidth`) or
 *   what is left (`limit_data`), and completes only when the data's time comes (`latency`,
 *   `bandwidth`, `slow_close` for the end of the stream). No data is held between receive calls, so
 *   what the provider below reports (`FD_READ`, `select`, `FIONREAD`) stays true. A receive in a
 *   toxic's hands reads into a buffer of the layer and copies into the caller's only when it
 *   completes, so a receive the connection's end overtakes never writes to the caller's buffers
 *   afterwards.
 * - A **close** by a toxic (`timeout`, `limit_data`) is what a proxy closing both sides looks like:
 *   the peer gets a FIN, this side's receives return 0 (end of stream) and its sends fail with
 *   `WSAECONNRESET`. A **reset** (`reset_peer`) closes the socket below abortively (the peer sees
 *   RST) and this side sees what Windows shows after an RST: `WSAECONNRESET` from every call,
 *   `FD_CLOSE` with `WSAECONNABORTED` through `WSAEventSelect` / `WSAAsyncSelect`, `select` finding
 *   the socket readable; `getsockname` still answers and `closesocket` succeeds.
 *
 * Times come from the injector's clock, draws from generators seeded with the injector's seed, the
 * toxic's name and the connection's ordinal — so over a SimNetwork's virtual clock a run repeats
 * exactly.
 * @module
 */

import {
  WSAECONNABORTED,
  WSAECONNRESET,
  WSAEDISCON,
  WSAEINTR,
  WSAEMSGSIZE,
  WSAENETRESET,
  WSAENOPROTOOPT,
  WSAENOTCONN,
  WSAESHUTDOWN,
  WSAETIMEDOUT,
  WSAEWOULDBLOCK,
} from '../constants/error-codes';
import { FD_CLOSE, FD_CLOSE_BIT, FD_WRITE, FD_WRITE_BIT } from '../constants/network-events';
import { MSG_OOB, SD_BOTH, SD_RECEIVE, SD_SEND, SOCKET_ERROR } from '../constants/socket-api';
import { SO_LINGER, SOL_SOCKET } from '../constants/socket-options';
import { gather, scatter } from '../provider-kit/buffer-io';
import { makeSelectReply } from '../provider-kit/network-event-recorder';
import type { WSPPROC_TABLE, WspProcName } from '../spi/wsp-proc-table';
import type { fd_set, HWND, LPINT, SOCKET, WSAEVENT, WSANETWORKEVENTS } from '../spi/wsp-types';
import type { WSPUPCALLTABLE } from '../spi/wsp-upcall-table';
import { type Out, out } from '../types/out-cell';
import type { SOCKADDR } from '../types/sockaddr';
import { isValidWsabuf, type WSABUF, wsabuf, wsabufBytes } from '../types/wsabuf';
import type { LayerClock, LayerTimer } from './layer-clock';
import { sendAndWait } from './lower-overlapped-send';
import { SeededRandom } from './seeded-random';
import type { NamedToxic, ToxicDirection } from './toxic';
import { WSP_CALL_SHAPES } from './wsp-call-shapes';

/** Receive errors that mean the connection is gone (or released), so that a send would fail too. */
const BROKEN = new Set<number>([WSAECONNRESET, WSAECONNABORTED, WSAENETRESET, WSAETIMEDOUT, WSAEDISCON]);
/** Send errors about one call, not the connection. */
const PER_CALL = new Set<number>([WSAEMSGSIZE]);

/** Bytes the outbound pipe of one connection takes before a send waits: a socket send buffer's worth. */
export const PIPE_CAPACITY = 65536;

/** A toxic in an injector: its current settings (replaced by `updateToxic`) and a stable identity. */
export interface ToxicEntry {
  toxic: NamedToxic;
  readonly id: number;
}

/** Something a toxic did, as the link reports it to its injector. */
export interface ToxicAction {
  readonly kind:
    | 'latency'
    | 'bandwidth'
    | 'slice'
    | 'hold'
    | 'slow_close'
    | 'close'
    | 'reset'
    | 'drop'
    | 'deferred';
  readonly call: WspProcName;
  readonly socket: SOCKET;
  readonly toxic?: string;
  readonly direction?: ToxicDirection;
  readonly bytes?: number;
  /** Until when (clock time) data or a call was held. */
  readonly until?: number;
  readonly error?: number;
}

/** What a link needs from its injector. */
export interface ToxicLinkOwner {
  readonly clock: LayerClock;
  readonly seed: number | string;
  readonly upcalls: WSPUPCALLTABLE;
  /** The injector's toxics, in the order they were added. */
  toxics(): readonly ToxicEntry[];
  report(action: ToxicAction): void;
  /** The application's `WSAEventSelect` / `WSAAsyncSelect` on the socket, for a reset to signal. */
  selection(s: SOCKET): SocketSelection | undefined;
  /** Whether the socket is non-blocking (`FIONBIO`, or an event or window selection). */
  nonBlocking(s: SOCKET): boolean;
  /** The link is done: forget it. */
  forget(link: ToxicLink): void;
}

/** What the application selected on a socket, remembered so that a reset can signal `FD_CLOSE`. */
export type SocketSelection =
  | { readonly kind: 'event'; readonly event: WSAEVENT; readonly events: number }
  | { readonly kind: 'window'; readonly window: HWND; readonly message: number; readonly events: number };

/** The protocol properties a link needs. */
export interface LinkProtocol {
  /** `XP1_MESSAGE_ORIENTED`: sends are messages, kept whole. */
  readonly messageOriented: boolean;
  /** `XP1_DISCONNECT_DATA`. */
  readonly disconnectData: boolean;
  /** `SO_MAX_MSG_SIZE` of a message protocol. */
  readonly maxMessageSize?: number;
}

interface ToxicState {
  readonly random: SeededRandom;
  /** The toxicity draw: does the toxic act on this connection? */
  readonly applies: boolean;
  /** Latency and slicer: the time the last data left, so nothing is reordered. */
  lastDue: number;
  /** Bandwidth: when the link is free again. */
  free: number;
  /** limit_data: bytes that passed. */
  passed: number;
  /** timeout and reset_peer. */
  timer?: LayerTimer;
  /** reset_peer: data came, the reset is on its way. */
  armed: boolean;
}

type OutItem =
  | { kind: 'data'; bytes: Uint8Array; flags: number; due: number; thread: unknown }
  | { kind: 'call'; due: number; run: () => Promise<number>; settle: (rc: number) => void; errno: LPINT }
  | { kind: 'shutdown'; due: number }
  | { kind: 'disconnect'; due: number; data: Uint8Array | null }
  | { kind: 'close'; due: number }
  | { kind: 'toxic-close'; due: number; toxic: string; direction: ToxicDirection };

/** The end of a wait: 0 when it ran its course, or why it was cut short. */
type WaitResult = number;
/** A wait cut short by a toxic closing the connection. */
const CLOSED = -1;

interface Waiter {
  timer?: LayerTimer;
  resolve(result: WaitResult): void;
}

type AnyFunction = (...args: unknown[]) => unknown;

/** Which argument of a send or receive call is which. */
const CALL_ARGS = {
  lpWSPSend: { overlapped: 5, thread: 7 },
  lpWSPSendTo: { overlapped: 7, thread: 9 },
  lpWSPRecv: { overlapped: 5, thread: 7 },
  lpWSPRecvFrom: { overlapped: 7, thread: 9 },
} as const;

function validBuffers(buffers: unknown, count: unknown): buffers is WSABUF[] {
  if (!Array.isArray(buffers) || typeof count !== 'number' || !Number.isInteger(count)) return false;
  if (count < 0 || count > buffers.length) return false;
  for (let i = 0; i < count; i++) if (!isValidWsabuf(buffers[i])) return false;
  return true;
}

function isOutCell(value: unknown): value is Out<unknown> {
  return typeof value === 'object' && value !== null && 'value' in value;
}

/** One connected socket of a fault injector, and what its toxics do to it (see the module comment). */
export class ToxicLink {
  private readonly states = new Map<number, ToxicState>();
  private readonly queue: OutItem[] = [];
  private queuedBytes = 0;
  private lastQueuedDue = 0;
  private pumping = false;
  private pumpWaiter: Waiter | undefined;
  private readonly appWaiters = new Set<Waiter>();
  private readonly changeWaiters = new Set<Waiter>();
  /** Why the application's calls on the link end at once now (see `interruptApp`). */
  private appInterrupted: WaitResult | undefined;
  /** A graceful send shutdown is queued behind the pipe. */
  private sendShut = false;
  /** The provider below failed a send the pipe made: later sends fail with it. */
  private outError = 0;
  /** Set when a toxic closed the connection (its name). */
  private closedBy: string | undefined;
  /** Set when a toxic reset the connection: the error every call gets. */
  private deadError = 0;
  private localName: { name: SOCKADDR | null; length: number } | undefined;
  private resetNotified = false;
  /** A non-blocking send was refused for want of room: `FD_WRITE` is due when the pipe drains. */
  private writeBlocked = false;
  /** `FD_WRITE` the layer signalled and `WSPEnumNetworkEvents` has not reported yet. */
  private writeSignalled = false;
  /** The application closed its handle; the link owns the socket below until the pipe is empty. */
  private detached = false;
  private forgotten = false;

  constructor(
    private readonly owner: ToxicLinkOwner,
    readonly handle: SOCKET,
    private readonly lower: { readonly table: WSPPROC_TABLE; readonly socket: SOCKET },
    private readonly protocol: LinkProtocol,
    readonly ordinal: number,
  ) {
    for (const entry of owner.toxics()) this.toxicAdded(entry);
  }

  /** True once a toxic reset the connection. */
  get dead(): boolean {
    return this.deadError !== 0;
  }

  // ── toxics coming and going ──────────────────────────────────────────────────────────────────

  /** A toxic was added to the injector (or the link is new): draw its toxicity, start its timer. */
  toxicAdded(entry: ToxicEntry): void {
    if (this.states.has(entry.id)) return;
    const random = SeededRandom.derive(this.owner.seed, entry.toxic.name, this.ordinal);
    const applies = random.next() < (entry.toxic.toxicity ?? 1);
    const now = this.owner.clock.now();
    const state: ToxicState = { random, applies, lastDue: now, free: now, passed: 0, armed: false };
    this.states.set(entry.id, state);
    this.startTimeout(entry, state);
    this.changed();
  }

  /** A toxic's settings changed: data from now on sees the new ones; a timeout restarts. */
  toxicUpdated(entry: ToxicEntry): void {
    const state = this.states.get(entry.id);
    if (!state) {
      this.toxicAdded(entry);
      return;
    }
    if (entry.toxic.type === 'timeout') {
      state.timer?.cancel();
      state.timer = undefined;
      this.startTimeout(entry, state);
    }
    this.changed();
  }

  /** A toxic was removed: held data flows again. */
  toxicRemoved(entry: ToxicEntry): void {
    const state = this.states.get(entry.id);
    if (!state) return;
    state.timer?.cancel();
    this.states.delete(entry.id);
    this.changed();
  }

  private startTimeout(entry: ToxicEntry, state: ToxicState): void {
    const toxic = entry.toxic;
    if (toxic.type !== 'timeout' || !state.applies || toxic.timeoutMs <= 0 || this.settled()) return;
    state.timer = this.owner.clock.setTimer(toxic.timeoutMs, () => {
      state.timer = undefined;
      this.closeByToxic(toxic.name, toxic.direction, 'lpWSPRecv');
    });
  }

  /** The toxics that act on this connection in `direction`, in the injector's order. */
  private active(direction: ToxicDirection): { toxic: NamedToxic; state: ToxicState }[] {
    const found: { toxic: NamedToxic; state: ToxicState }[] = [];
    for (const entry of this.owner.toxics()) {
      if (entry.toxic.direction !== direction) continue;
      const state = this.states.get(entry.id);
      if (state?.applies) found.push({ toxic: entry.toxic, state });
    }
    return found;
  }

  private heldBy(direction: ToxicDirection): NamedToxic | undefined {
    return this.active(direction).find((t) => t.toxic.type === 'timeout')?.toxic;
  }

  private slowCloseDelay(): number {
    let delay = 0;
    for (const { toxic } of this.active('outbound')) if (toxic.type === 'slow_close') delay += toxic.delayMs;
    return delay;
  }

  /** True when calls must go through the link rather than straight down. */
  get involved(): boolean {
    return this.queue.length > 0 || this.pumping || this.settled() || this.anyActive();
  }

  private anyActive(): boolean {
    for (const state of this.states.values()) if (state.applies) return true;
    return false;
  }

  /** Closed or reset by a toxic. */
  private settled(): boolean {
    return this.closedBy !== undefined || this.deadError !== 0;
  }

  // ── waiting ──────────────────────────────────────────────────────────────────────────────────

  private now(): number {
    return this.owner.clock.now();
  }

  /** Waits `ms` on the clock, unless the application's calls are interrupted first. */
  private waitApp(ms: number): Promise<WaitResult> {
    if (this.appInterrupted !== undefined) return Promise.resolve(this.appInterrupted);
    if (ms <= 0) return Promise.resolve(0);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        resolve: (result) => {
          waiter.timer?.cancel();
          this.appWaiters.delete(waiter);
          resolve(result);
        },
      };
      waiter.timer = this.owner.clock.setTimer(ms, () => waiter.resolve(0));
      this.appWaiters.add(waiter);
    });
  }

  /** Waits until the toxics change (or the application's calls are interrupted). */
  private waitChange(): Promise<WaitResult> {
    if (this.appInterrupted !== undefined) return Promise.resolve(this.appInterrupted);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        resolve: (result) => {
          this.changeWaiters.delete(waiter);
          this.appWaiters.delete(waiter);
          resolve(result);
        },
      };
      this.changeWaiters.add(waiter);
      this.appWaiters.add(waiter);
    });
  }

  /** Waits until the application's calls are interrupted: a receive whose data a reset will take. */
  private waitInterrupt(): Promise<WaitResult> {
    return this.interruptible().promise;
  }

  /** An interruption to race against a call below; `cancel` when the call wins. */
  private interruptible(): { promise: Promise<WaitResult>; cancel(): void } {
    if (this.appInterrupted !== undefined)
      return { promise: Promise.resolve(this.appInterrupted), cancel: () => {} };
    let waiter!: Waiter;
    const promise = new Promise<WaitResult>((resolve) => {
      waiter = {
        resolve: (result) => {
          this.appWaiters.delete(waiter);
          resolve(result);
        },
      };
      this.appWaiters.add(waiter);
    });
    return { promise, cancel: () => this.appWaiters.delete(waiter) };
  }

  private changed(): void {
    for (const waiter of [...this.changeWaiters]) waiter.resolve(0);
    this.kick();
  }

  /**
   * Ends every wait of the application's calls with `result`, and every later one: the handle was
   * closed, or the connection closed or reset, for good.
   */
  private interruptApp(result: WaitResult): void {
    this.appInterrupted ??= result;
    for (const waiter of [...this.appWaiters]) waiter.resolve(result);
  }

  // ── outbound ─────────────────────────────────────────────────────────────────────────────────

  /** `WSPSend` / `WSPSendTo` on the connection (see the module comment). */
  async send(name: 'lpWSPSend' | 'lpWSPSendTo', args: unknown[], next: AnyFunction): Promise<number> {
    const errno = args[args.length - 1] as LPINT;
    const fail = (code: number): number => {
      errno.value = code;
      return SOCKET_ERROR;
    };
    if (this.deadError) return fail(this.deadError);
    if (this.closedBy !== undefined) return fail(WSAECONNRESET);
    const [, buffers, count, sentOut, flags] = args as [SOCKET, unknown, number, unknown, number];
    if (this.sendShut) return fail(WSAESHUTDOWN);
    if (this.outError) return fail(this.outError);
    const outbound = this.active('outbound');
    const pipeIdle = this.queue.length === 0 && !this.pumping;
    // Urgent data and malformed calls go straight down: the provider below answers them at once.
    if ((pipeIdle && outbound.length === 0) || (flags & MSG_OOB) !== 0 || !validBuffers(buffers, count))
      return (await next(...args)) as number;
    const overlapped = args[CALL_ARGS[name].overlapped];
    const nonBlocking = !overlapped && this.owner.nonBlocking(this.handle);
    if (nonBlocking && this.queuedBytes >= PIPE_CAPACITY) {
      // As a full send buffer answers a non-blocking send; FD_WRITE follows when there is room.
      this.writeBlocked = true;
      return fail(WSAEWOULDBLOCK);
    }
    const bytes = gather(buffers.slice(0, count));
    const max = this.protocol.maxMessageSize;
    // What the provider would refuse at once, whatever the pipe holds.
    if (max !== undefined && bytes.byteLength > max) return fail(WSAEMSGSIZE);
    const shaped = this.shape(name, bytes, outbound);
    const [only] = shaped.segments;
    if (
      pipeIdle &&
      !this.heldBy('outbound') &&
      shaped.closeAt === undefined &&
      shaped.segments.length === 1 &&
      only!.bytes.byteLength === bytes.byteLength &&
      only!.due <= this.now()
    ) {
      // Nothing to wait for: the call goes down as it is, with its own blocking mode and answer.
      return (await next(...args)) as number;
    }
    if (overlapped) {
      // The provider below completes an overlapped call itself: it goes down as it is, when its
      // turn (and the latest time the toxics gave its bytes) comes.
      const due = shaped.segments.reduce((latest, s) => Math.max(latest, s.due), this.now());
      return new Promise<number>((settle) => {
        this.push({ kind: 'call', due, run: () => next(...args) as Promise<number>, settle, errno });
      });
    }
    for (const segment of shaped.segments) {
      this.push({
        kind: 'data',
        bytes: segment.bytes,
        flags,
        due: segment.due,
        thread: args[CALL_ARGS[name].thread],
      });
      this.queuedBytes += segment.bytes.byteLength;
    }
    if (shaped.closeAt !== undefined)
      this.push({
        kind: 'toxic-close',
        due: shaped.closeAt.due,
        toxic: shaped.closeAt.toxic,
        direction: 'outbound',
      });
    while (!nonBlocking && this.queuedBytes > PIPE_CAPACITY && !this.settled() && !this.outError) {
      const result = await this.waitChange();
      if (result !== 0) return fail(result === CLOSED ? WSAECONNRESET : result);
    }
    if (this.deadError) return fail(this.deadError);
    if (this.outError) return fail(this.outError);
    if (isOutCell(sentOut)) sentOut.value = bytes.byteLength;
    return 0;
  }

  /** Cuts and times outbound bytes as the toxics say. */
  private shape(
    call: WspProcName,
    bytes: Uint8Array,
    toxics: { toxic: NamedToxic; state: ToxicState }[],
  ): { segments: { bytes: Uint8Array; due: number }[]; closeAt?: { due: number; toxic: string } } {
    const now = this.now();
    let segments = [{ bytes, due: now }];
    let closeAt: { due: number; toxic: string } | undefined;
    for (const { toxic, state } of toxics) {
      if (segments.length === 0) break;
      const report = (kind: ToxicAction['kind'], count: number, until?: number) =>
        this.owner.report({
          kind,
          call,
          socket: this.handle,
          toxic: toxic.name,
          direction: 'outbound',
          bytes: count,
          ...(until !== undefined ? { until } : {}),
        });
      switch (toxic.type) {
        case 'latency':
          for (const segment of segments) {
            const jitter = toxic.jitterMs ? state.random.between(-toxic.jitterMs, toxic.jitterMs) : 0;
            segment.due = Math.max(segment.due + Math.max(0, toxic.latencyMs + jitter), state.lastDue);
            state.lastDue = segment.due;
            report('latency', segment.bytes.byteLength, segment.due);
          }
          break;
        case 'bandwidth': {
          const piece = Math.max(1, Math.floor(toxic.bytesPerSecond / 10));
          const paced: { bytes: Uint8Array; due: number }[] = [];
          for (const segment of segments) {
            const parts = this.protocol.messageOriented ? [segment.bytes] : split(segment.bytes, () => piece);
            for (const part of parts) {
              const start = Math.max(segment.due, state.free);
              state.free = start + (part.byteLength * 1000) / toxic.bytesPerSecond;
              paced.push({ bytes: part, due: state.free });
              report('bandwidth', part.byteLength, state.free);
            }
          }
          segments = paced;
          break;
        }
        case 'slicer': {
          if (this.protocol.messageOriented) break;
          const sliced: { bytes: Uint8Array; due: number }[] = [];
          const variation = toxic.sizeVariation ?? 0;
          const delay = toxic.delayMs ?? 0;
          for (const segment of segments) {
            let due = Math.max(segment.due, state.lastDue);
            for (const slice of split(segment.bytes, () =>
              state.random.between(toxic.averageSize - variation, toxic.averageSize + variation),
            )) {
              sliced.push({ bytes: slice, due });
              report('slice', slice.byteLength, due);
              due += delay;
            }
            state.lastDue = due;
          }
          segments = sliced;
          break;
        }
        case 'limit_data': {
          const kept: { bytes: Uint8Array; due: number }[] = [];
          for (const segment of segments) {
            const left = toxic.bytes - state.passed;
            if (left <= 0) break;
            const take = this.protocol.messageOriented
              ? segment.bytes.byteLength <= left
                ? segment.bytes.byteLength
                : 0
              : Math.min(left, segment.bytes.byteLength);
            if (take === 0) {
              state.passed = toxic.bytes;
              break;
            }
            kept.push({ bytes: segment.bytes.subarray(0, take), due: segment.due });
            state.passed += take;
          }
          const lost =
            segments.reduce((n, s) => n + s.bytes.byteLength, 0) -
            kept.reduce((n, s) => n + s.bytes.byteLength, 0);
          if (lost > 0) report('drop', lost);
          if (state.passed >= toxic.bytes && closeAt === undefined) {
            closeAt = { due: kept.at(-1)?.due ?? now, toxic: toxic.name };
          }
          segments = kept;
          break;
        }
        case 'reset_peer': {
          const lost = segments.reduce((n, s) => n + s.bytes.byteLength, 0);
          report('drop', lost);
          this.armReset(toxic, state, call);
          segments = [];
          break;
        }
        case 'timeout':
        case 'slow_close':
          // Timeout holds the pipe (see pump); slow_close delays closes (see closeDue).
          break;
      }
    }
    return closeAt ? { segments, closeAt } : { segments };
  }

  private armReset(toxic: NamedToxic & { type: 'reset_peer' }, state: ToxicState, call: WspProcName): void {
    if (state.armed) return;
    state.armed = true;
    state.timer = this.owner.clock.setTimer(toxic.timeoutMs ?? 0, () => {
      state.timer = undefined;
      this.reset(toxic.name, toxic.direction, call);
    });
  }

  private push(item: OutItem): void {
    item.due = Math.max(item.due, this.lastQueuedDue);
    this.lastQueuedDue = item.due;
    this.queue.push(item);
    this.kick();
  }

  private kick(): void {
    if (this.pumpWaiter) {
      // The head may have changed (a toxic was removed): look again.
      this.pumpWaiter.resolve(0);
      return;
    }
    if (!this.pumping && this.queue.length > 0) void this.pump();
  }

  /** Hands the pipe's items to the provider below when their time comes, one at a time, in order. */
  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      while (this.queue.length > 0 && !this.deadError) {
        const head = this.queue[0]!;
        const held = head.kind === 'data' || head.kind === 'call' ? this.heldBy('outbound') : undefined;
        const wait = head.due - this.now();
        if (held || wait > 0) {
          if (held)
            this.owner.report({
              kind: 'hold',
              call: 'lpWSPSend',
              socket: this.handle,
              toxic: held.name,
              direction: 'outbound',
            });
          const result = await new Promise<WaitResult>((resolve) => {
            const waiter: Waiter = {
              resolve: (r) => {
                waiter.timer?.cancel();
                this.pumpWaiter = undefined;
                resolve(r);
              },
            };
            if (!held) waiter.timer = this.owner.clock.setTimer(wait, () => waiter.resolve(0));
            this.pumpWaiter = waiter;
          });
          if (result !== 0) break;
          continue;
        }
        this.queue.shift();
        await this.deliver(head);
        if (head.kind === 'data') {
          this.queuedBytes -= head.bytes.byteLength;
          for (const waiter of [...this.changeWaiters]) waiter.resolve(0);
          if (this.writeBlocked && this.queuedBytes < PIPE_CAPACITY) this.signalWritable();
        }
      }
    } finally {
      this.pumping = false;
      this.pumpWaiter = undefined;
    }
    if (this.queue.length > 0 && !this.deadError) void this.pump();
    else if (this.detached && !this.forgotten && this.queue.length === 0) this.finishDetached();
  }

  private async deliver(item: OutItem): Promise<void> {
    const { table, socket } = this.lower;
    const errno = out(0);
    switch (item.kind) {
      case 'data': {
        let offset = 0;
        while (offset < item.bytes.byteLength) {
          const sent = out(0);
          const rest = item.bytes.subarray(offset);
          // Overlapped, so that it waits for buffer space even when the application made the socket
          // non-blocking (the pipe has nowhere else to wait for FD_WRITE); awaited to its completion.
          const rc = await sendAndWait(
            table,
            this.owner.upcalls,
            socket,
            wsabuf(rest),
            item.flags,
            item.thread,
            sent,
            errno,
          );
          if (rc === SOCKET_ERROR && PER_CALL.has(errno.value)) {
            // Refused, not broken: this piece is lost, the connection goes on.
            this.deferredFailed('lpWSPSend', errno.value);
            return;
          }
          if (rc === SOCKET_ERROR || sent.value <= 0) {
            this.failOutbound(errno.value || WSAECONNRESET);
            return;
          }
          offset += sent.value;
        }
        return;
      }
      case 'call':
        item.settle(await item.run());
        return;
      case 'shutdown':
        if (table.lpWSPShutdown(socket, SD_SEND, errno) === SOCKET_ERROR)
          this.deferredFailed('lpWSPShutdown', errno.value);
        return;
      case 'disconnect':
        if (table.lpWSPSendDisconnect(socket, item.data ? wsabuf(item.data) : null, errno) === SOCKET_ERROR)
          this.deferredFailed('lpWSPSendDisconnect', errno.value);
        return;
      case 'close':
        this.closeLower();
        return;
      case 'toxic-close':
        this.closeByToxic(item.toxic, item.direction, 'lpWSPSend');
        return;
    }
  }

  private deferredFailed(call: WspProcName, error: number): void {
    this.owner.report({ kind: 'deferred', call, socket: this.handle, error });
  }

  /** The provider below failed a send the pipe made: the rest of the pipe is lost, as on a broken connection. */
  private failOutbound(error: number): void {
    this.outError = error;
    this.owner.report({ kind: 'deferred', call: 'lpWSPSend', socket: this.handle, error });
    this.dropQueue(error);
    if (this.detached) this.closeLower();
  }

  /** Drops the pipe (its data is lost); queued overlapped calls fail with `error`. */
  private dropQueue(error: number): void {
    for (const item of this.queue.splice(0)) {
      if (item.kind === 'call') {
        item.errno.value = error;
        item.settle(SOCKET_ERROR);
      } else if (item.kind === 'close') this.closeLower();
    }
    this.queuedBytes = 0;
    for (const waiter of [...this.changeWaiters]) waiter.resolve(0);
  }

  /** True when a graceful shutdown or close must wait behind the pipe (or a slow close). */
  private mustDefer(): boolean {
    return (
      this.queue.length > 0 ||
      this.pumping ||
      this.slowCloseDelay() > 0 ||
      this.heldBy('outbound') !== undefined
    );
  }

  private closeDue(call: WspProcName): number {
    const delay = this.slowCloseDelay();
    const due = Math.max(this.now(), this.lastQueuedDue) + delay;
    if (delay > 0) {
      const toxic = this.active('outbound').find((t) => t.toxic.type === 'slow_close')?.toxic;
      this.owner.report({
        kind: 'slow_close',
        call,
        socket: this.handle,
        direction: 'outbound',
        until: due,
        ...(toxic ? { toxic: toxic.name } : {}),
      });
    }
    return due;
  }

  /** `WSPShutdown` on the connection. */
  shutdown(args: [SOCKET, number, LPINT], next: AnyFunction): number {
    const [s, how, errno] = args;
    if (this.deadError) {
      errno.value = this.deadError;
      return SOCKET_ERROR;
    }
    if ((how !== SD_SEND && how !== SD_BOTH) || this.closedBy !== undefined || !this.mustDefer()) {
      const rc = next(...args) as number;
      // Sends after it must fail as the provider's would, not go into the pipe.
      if (rc === 0 && (how === SD_SEND || how === SD_BOTH)) this.sendShut = true;
      return rc;
    }
    if (how === SD_BOTH && (next(s, SD_RECEIVE, errno) as number) === SOCKET_ERROR) return SOCKET_ERROR;
    if (!this.sendShut) {
      this.sendShut = true;
      this.push({ kind: 'shutdown', due: this.closeDue('lpWSPShutdown') });
    }
    return 0;
  }

  /** `WSPSendDisconnect` on the connection. */
  sendDisconnect(args: [SOCKET, WSABUF | null, LPINT], next: AnyFunction): number {
    const [, data, errno] = args;
    if (this.deadError) {
      errno.value = this.deadError;
      return SOCKET_ERROR;
    }
    const valid = data === null || data === undefined || isValidWsabuf(data);
    if (!valid || this.closedBy !== undefined || !this.mustDefer()) {
      const rc = next(...args) as number;
      if (rc === 0) this.sendShut = true;
      return rc;
    }
    const bytes = data ? wsabufBytes(data).slice() : null;
    // What the provider would refuse at once, without sending or shutting anything.
    if (bytes && bytes.byteLength > 0 && !this.protocol.disconnectData) {
      errno.value = WSAENOPROTOOPT;
      return SOCKET_ERROR;
    }
    if (!this.sendShut) {
      this.sendShut = true;
      this.push({ kind: 'disconnect', due: this.closeDue('lpWSPSendDisconnect'), data: bytes });
    }
    return 0;
  }

  /**
   * `WSPCloseSocket` on the connection. `detach` releases the application's handle and hands over
   * the socket below (a non-IFS layer's); `abortive` says whether the close resets (`SO_LINGER
   * {1, 0}`), asked only when the pipe still holds something.
   */
  close(args: [SOCKET, LPINT], next: AnyFunction, detach: () => boolean, abortive: () => boolean): number {
    if (this.deadError) {
      // The socket below is gone already: only the application's handle is left to release.
      this.interruptApp(WSAEINTR);
      if (!detach()) return next(...args) as number;
      this.forget();
      return 0;
    }
    if (this.closedBy !== undefined || !this.mustDefer() || abortive()) {
      this.abort(WSAEINTR);
      return next(...args) as number;
    }
    if (!detach()) return next(...args) as number;
    this.detached = true;
    this.interruptApp(WSAEINTR);
    this.push({ kind: 'close', due: this.closeDue('lpWSPCloseSocket') });
    return 0;
  }

  private finishDetached(): void {
    this.closeLower();
  }

  private closeLower(): void {
    if (this.forgotten) return;
    this.lower.table.lpWSPCloseSocket(this.lower.socket, out(0));
    this.forget();
  }

  // ── inbound ──────────────────────────────────────────────────────────────────────────────────

  /** `WSPRecv` / `WSPRecvFrom` on the connection (see the module comment). */
  async recv(name: 'lpWSPRecv' | 'lpWSPRecvFrom', args: unknown[], next: AnyFunction): Promise<number> {
    const errno = args[args.length - 1] as LPINT;
    const fail = (code: number): number => {
      errno.value = code;
      return SOCKET_ERROR;
    };
    const [, buffers, count, receivedOut, flagsCell] = args as [SOCKET, unknown, number, unknown, unknown];
    const endOfStream = (): number => {
      if (isOutCell(receivedOut)) receivedOut.value = 0;
      if (isOutCell(flagsCell)) flagsCell.value = 0;
      return 0;
    };
    const interrupted = (result: WaitResult): number => (result === CLOSED ? endOfStream() : fail(result));
    if (this.deadError) return fail(this.deadError);
    if (this.closedBy !== undefined) return endOfStream();
    if (!this.anyActive() || !validBuffers(buffers, count) || !isOutCell(flagsCell))
      return (await next(...args)) as number;
    const overlapped = args[CALL_ARGS[name].overlapped];
    for (;;) {
      if (this.deadError) return fail(this.deadError);
      if (this.closedBy !== undefined) return endOfStream();
      const held = this.heldBy('inbound');
      if (!held) break;
      this.owner.report({
        kind: 'hold',
        call: name,
        socket: this.handle,
        toxic: held.name,
        direction: 'inbound',
      });
      const result = await this.waitChange();
      if (result !== 0) return interrupted(result);
    }
    let toxics = this.active('inbound');
    if (toxics.some((t) => t.toxic.type === 'reset_peer' && t.state.armed))
      return interrupted(await this.waitInterrupt());
    if (overlapped) {
      // The provider below completes an overlapped receive itself: the toxics can only delay it.
      const latency = toxics.reduce((ms, t) => ms + (t.toxic.type === 'latency' ? t.toxic.latencyMs : 0), 0);
      const result = await this.waitApp(latency);
      if (result !== 0) return interrupted(result);
      return (await next(...args)) as number;
    }
    let limit = buffers.slice(0, count).reduce((n, b) => n + b.len, 0);
    for (const { toxic, state } of toxics) {
      if (toxic.type === 'slicer' && !this.protocol.messageOriented) {
        const variation = toxic.sizeVariation ?? 0;
        limit = Math.min(
          limit,
          state.random.between(toxic.averageSize - variation, toxic.averageSize + variation),
        );
        const result = await this.waitApp(state.lastDue - this.now());
        if (result !== 0) return interrupted(result);
      } else if (toxic.type === 'bandwidth' && !this.protocol.messageOriented) {
        limit = Math.min(limit, Math.max(1, Math.floor(toxic.bytesPerSecond / 10)));
      } else if (toxic.type === 'limit_data') {
        const left = toxic.bytes - state.passed;
        if (left <= 0) {
          this.closeByToxic(toxic.name, 'inbound', name);
          return endOfStream();
        }
        if (!this.protocol.messageOriented) limit = Math.min(limit, left);
      }
    }
    // Read into the layer's own buffer: a receive the connection's end overtakes must not write
    // to the caller's buffers after it returned.
    const staging = new Uint8Array(limit);
    const received = out(0);
    const lowerFlags = out(flagsCell.value as number);
    const lowerErrno = out(0);
    const lowerArgs = [...args];
    lowerArgs[1] = [wsabuf(staging)];
    lowerArgs[2] = 1;
    lowerArgs[3] = received;
    lowerArgs[4] = lowerFlags;
    lowerArgs[lowerArgs.length - 1] = lowerErrno;
    let from: { name: Out<SOCKADDR | null>; length: Out<number> } | undefined;
    if (name === 'lpWSPRecvFrom' && isOutCell(args[5]) && isOutCell(args[6])) {
      from = {
        name: out((args[5] as Out<SOCKADDR | null>).value),
        length: out((args[6] as Out<number>).value),
      };
      lowerArgs[5] = from.name;
      lowerArgs[6] = from.length;
    }
    const lowerCall = next(...lowerArgs) as Promise<number>;
    const interruption = this.interruptible();
    const raced = await Promise.race([
      lowerCall.then((rc) => ({ rc })),
      interruption.promise.then((result) => ({ result })),
    ]);
    interruption.cancel();
    if ('result' in raced) return interrupted(raced.result);
    if (raced.rc === SOCKET_ERROR) {
      // The connection broke below: later sends must fail at once, as the provider's would.
      if (BROKEN.has(lowerErrno.value)) this.outError ||= lowerErrno.value;
      return fail(lowerErrno.value);
    }
    const n = received.value;
    const arrived = this.now();
    let due = arrived;
    let closeAfter: string | undefined;
    toxics = this.active('inbound');
    for (const { toxic, state } of toxics) {
      const report = (kind: ToxicAction['kind'], until: number) =>
        this.owner.report({
          kind,
          call: name,
          socket: this.handle,
          toxic: toxic.name,
          direction: 'inbound',
          bytes: n,
          until,
        });
      switch (toxic.type) {
        case 'latency': {
          const jitter = toxic.jitterMs ? state.random.between(-toxic.jitterMs, toxic.jitterMs) : 0;
          due = Math.max(due + Math.max(0, toxic.latencyMs + jitter), state.lastDue);
          state.lastDue = due;
          report('latency', due);
          break;
        }
        case 'bandwidth':
          due = Math.max(due, state.free) + (n * 1000) / toxic.bytesPerSecond;
          state.free = due;
          report('bandwidth', due);
          break;
        case 'slicer':
          if (this.protocol.messageOriented) break;
          report('slice', due);
          state.lastDue = due + (toxic.delayMs ?? 0);
          break;
        case 'slow_close':
          if (n === 0) {
            due += toxic.delayMs;
            report('slow_close', due);
          }
          break;
        case 'limit_data':
          if (this.protocol.messageOriented && state.passed + n > toxic.bytes) {
            this.owner.report({
              kind: 'drop',
              call: name,
              socket: this.handle,
              toxic: toxic.name,
              direction: 'inbound',
              bytes: n,
            });
            this.closeByToxic(toxic.name, 'inbound', name);
            return endOfStream();
          }
          state.passed += n;
          if (state.passed >= toxic.bytes) closeAfter = toxic.name;
          break;
        case 'reset_peer':
          if (n > 0) {
            this.owner.report({
              kind: 'drop',
              call: name,
              socket: this.handle,
              toxic: toxic.name,
              direction: 'inbound',
              bytes: n,
            });
            this.armReset(toxic, state, name);
            return interrupted(await this.waitInterrupt());
          }
          break;
        case 'timeout':
          break;
      }
    }
    const result = await this.waitApp(due - this.now());
    if (result !== 0) return interrupted(result);
    if (this.deadError) return fail(this.deadError);
    scatter(staging.subarray(0, n), buffers.slice(0, count));
    if (isOutCell(receivedOut)) receivedOut.value = n;
    flagsCell.value = lowerFlags.value;
    if (from) {
      (args[5] as Out<SOCKADDR | null>).value = from.name.value;
      (args[6] as Out<number>).value = from.length.value;
    }
    if (closeAfter !== undefined) this.closeByToxic(closeAfter, 'inbound', name);
    return 0;
  }

  // ── closes and resets by toxics ──────────────────────────────────────────────────────────────

  /** A toxic closed the connection, as a proxy closing both sides would (see the module comment). */
  private closeByToxic(toxic: string, direction: ToxicDirection, call: WspProcName): void {
    if (this.settled() || this.forgotten) return;
    this.closedBy = toxic;
    this.owner.report({ kind: 'close', call, socket: this.handle, toxic, direction });
    this.cancelTimers();
    this.dropQueue(WSAECONNRESET);
    this.interruptApp(CLOSED);
    if (this.pumpWaiter) this.pumpWaiter.resolve(CLOSED);
    const { table, socket } = this.lower;
    table.lpWSPShutdown(socket, SD_SEND, out(0));
    if (this.detached) this.closeLower();
  }

  /** A toxic resets the connection: RST below, `WSAECONNRESET` above (see the module comment). */
  reset(toxic: string, direction: ToxicDirection, call: WspProcName): void {
    if (this.deadError || this.forgotten) return;
    this.deadError = WSAECONNRESET;
    this.owner.report({ kind: 'reset', call, socket: this.handle, toxic, direction, error: WSAECONNRESET });
    this.cancelTimers();
    this.dropQueue(WSAECONNRESET);
    if (this.pumpWaiter) this.pumpWaiter.resolve(WSAECONNRESET);
    const { table, socket } = this.lower;
    const name = out<SOCKADDR | null>(null);
    const length = out(128);
    if (table.lpWSPGetSockName(socket, name, length, out(0)) === 0)
      this.localName = { name: name.value, length: length.value };
    table.lpWSPSetSockOpt(socket, SOL_SOCKET, SO_LINGER, { l_onoff: 1, l_linger: 0 }, 4, out(0));
    table.lpWSPCloseSocket(socket, out(0));
    this.interruptApp(WSAECONNRESET);
    this.signalReset();
    if (this.detached) this.forget();
  }

  /** Room again after a refused non-blocking send: `FD_WRITE` to whoever selected it. */
  private signalWritable(): void {
    this.writeBlocked = false;
    const selection = this.owner.selection(this.handle);
    if (!selection || (selection.events & FD_WRITE) === 0) return;
    this.writeSignalled = true;
    if (selection.kind === 'event') this.owner.upcalls.lpWPUSetEvent(selection.event, out(0));
    else selection.window.post(selection.message, this.handle, makeSelectReply(FD_WRITE, 0));
  }

  /**
   * `WSPEnumNetworkEvents` as the provider below answered it, with the `FD_WRITE` the layer
   * signalled (the provider's own buffer never filled, so it had nothing to say).
   */
  mergeNetworkEvents(events: WSANETWORKEVENTS): void {
    if (!this.writeSignalled) return;
    this.writeSignalled = false;
    events.lNetworkEvents |= FD_WRITE;
    events.iErrorCode[FD_WRITE_BIT] = 0;
  }

  /** `FD_CLOSE` with `WSAECONNABORTED` to whoever selected it. */
  private signalReset(): void {
    const selection = this.owner.selection(this.handle);
    if (!selection || (selection.events & FD_CLOSE) === 0) return;
    this.resetNotified = true;
    if (selection.kind === 'event') this.owner.upcalls.lpWPUSetEvent(selection.event, out(0));
    else selection.window.post(selection.message, this.handle, makeSelectReply(FD_CLOSE, WSAECONNABORTED));
  }

  /**
   * A call on a connection a toxic reset: the socket below is gone, so the layer answers. Returns
   * undefined for a call it leaves to the caller (`WSPCloseSocket`, `WSPCleanup`).
   */
  answerAfterReset(name: WspProcName, args: unknown[]): unknown {
    const errno = args[args.length - 1] as LPINT;
    const fail = (code: number): number => {
      errno.value = code;
      return SOCKET_ERROR;
    };
    switch (name) {
      case 'lpWSPCloseSocket':
      case 'lpWSPCleanup':
        return undefined;
      case 'lpWSPGetSockName': {
        if (!this.localName) return fail(WSAENOTCONN);
        const [, nameOut, lengthOut] = args as [SOCKET, Out<SOCKADDR | null>, Out<number>];
        nameOut.value = this.localName.name;
        lengthOut.value = this.localName.length;
        return 0;
      }
      case 'lpWSPGetPeerName':
        return fail(WSAENOTCONN);
      case 'lpWSPEnumNetworkEvents': {
        const [, event, events] = args as [SOCKET, WSAEVENT | null, WSANETWORKEVENTS];
        if (event) this.owner.upcalls.lpWPUResetEvent(event, out(0));
        events.lNetworkEvents = 0;
        if (this.resetNotified) {
          this.resetNotified = false;
          events.lNetworkEvents = FD_CLOSE;
          events.iErrorCode[FD_CLOSE_BIT] = WSAECONNABORTED;
        }
        return 0;
      }
      case 'lpWSPEventSelect':
      case 'lpWSPAsyncSelect':
        // Remembered by the injector; the reset has happened, so there is nothing left to report.
        return 0;
      default: {
        const shape = WSP_CALL_SHAPES[name];
        errno.value = this.deadError;
        return shape.async ? Promise.resolve(shape.failure) : shape.failure;
      }
    }
  }

  /** `select` on sockets of which some were reset: those are ready at once (their calls report the reset). */
  static selectAfterReset(sets: (fd_set | null)[], dead: (s: SOCKET) => boolean): number {
    let ready = 0;
    for (const set of sets) {
      if (!set) continue;
      set.fd_array = set.fd_array.filter(dead);
      ready += set.fd_array.length;
    }
    return ready;
  }

  private cancelTimers(): void {
    for (const state of this.states.values()) {
      state.timer?.cancel();
      state.timer = undefined;
    }
  }

  /** Ends everything: timers, waits, the pipe (its data is lost). For cleanup and abortive closes. */
  abort(result: WaitResult): void {
    this.cancelTimers();
    this.dropQueue(result);
    this.interruptApp(result);
    if (this.pumpWaiter) this.pumpWaiter.resolve(result);
    this.forget();
  }

  private forget(): void {
    if (this.forgotten) return;
    this.forgotten = true;
    this.cancelTimers();
    this.owner.forget(this);
  }
}

/** `bytes` cut into pieces whose sizes `size()` draws (at least 1 byte each). */
function split(bytes: Uint8Array, size: () => number): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  for (let at = 0; at < bytes.byteLength; ) {
    const n = Math.max(1, Math.min(size(), bytes.byteLength - at));
    pieces.push(bytes.subarray(at, at + n));
    at += n;
  }
  return pieces;
}

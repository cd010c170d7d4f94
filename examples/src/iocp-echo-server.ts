/**
 * An echo server written the way Windows servers are: one I/O completion port, a pool of accept
 * sockets posted with `AcceptEx` (its buffer takes the first data and both addresses), `WSASend` /
 * `WSARecv` overlapped, and — when the client has finished — `DisconnectEx(TF_REUSE_SOCKET)`, after
 * which the same socket goes back to `AcceptEx` for the next connection. A socket whose receive
 * ended with `ERROR_NETNAME_DELETED` (the client reset it) is closed and replaced. One loop of
 * `GetQueuedCompletionStatus` drives everything; `PostQueuedCompletionStatus` stops it.
 *
 * The client is written the same way: `ConnectEx` (a bound socket, the first message sent with the
 * connection), `WSARecv` for the echo, `DisconnectEx(TF_REUSE_SOCKET)` and `ConnectEx` again on the
 * same socket, or an abortive close (`SO_LINGER {1, 0}`) for a session that ends in a reset.
 *
 * Every completion either side dequeues is recorded, so a test (examples/test/iocp-echo-server.test.ts)
 * can check each one — through whatever layered providers the catalog holds.
 */
import {
  AF_INET,
  type CompletionKey,
  ERROR_ABANDONED_WAIT_0,
  INFINITE,
  INVALID_HANDLE_VALUE,
  INVALID_SOCKET,
  type IoCompletionPort,
  IPPROTO_TCP,
  type LPFN_ACCEPTEX,
  type LPFN_CONNECTEX,
  type LPFN_DISCONNECTEX,
  type LPFN_GETACCEPTEXSOCKADDRS,
  out,
  SIO_GET_EXTENSION_FUNCTION_POINTER,
  SO_LINGER,
  SO_UPDATE_ACCEPT_CONTEXT,
  SO_UPDATE_CONNECT_CONTEXT,
  SOCK_STREAM,
  type SOCKADDR,
  type SOCKADDR_IN,
  type SOCKET,
  SOCKET_ERROR,
  SOL_SOCKET,
  sockaddrIn,
  TF_REUSE_SOCKET,
  WSA_FLAG_OVERLAPPED,
  WSA_IO_PENDING,
  WSAID_ACCEPTEX,
  WSAID_CONNECTEX,
  WSAID_DISCONNECTEX,
  WSAID_GETACCEPTEXSOCKADDRS,
  type WSAOVERLAPPED,
  type Ws2,
  wsabuf,
  wsaErrorName,
} from '@ws2spi/spi';

/** One completion packet as the loop dequeued it. */
export interface Completion {
  /** The operation the packet's `OVERLAPPED` belongs to. */
  op: 'accept' | 'connect' | 'send' | 'recv' | 'disconnect';
  /** What `GetQueuedCompletionStatus` returned. */
  ok: boolean;
  /** `GetLastError()` when it returned FALSE (`ERROR_NETNAME_DELETED` after a reset), else 0. */
  error: number;
  /** `*lpNumberOfBytesTransferred`. */
  bytes: number;
  /** The connection it belongs to: the server numbers them as `AcceptEx` completes them. */
  session: number;
}

/** The per-I/O data of one operation: the `OVERLAPPED` and what it is for (C's CONTAINING_RECORD). */
interface IoContext extends WSAOVERLAPPED {
  readonly op: Completion['op'];
  readonly slot: Slot;
}

/** An accept socket of the pool with its buffer and one context per operation. */
interface Slot {
  readonly id: number;
  socket: SOCKET;
  session: number;
  readonly buffer: Uint8Array;
  readonly contexts: Record<'accept' | 'send' | 'recv' | 'disconnect', IoContext>;
}

const RECEIVE_LENGTH = 64;
/** `sizeof(SOCKADDR_IN) + 16`, the address slot `AcceptEx` wants. */
const ADDRESS_SLOT = 16 + 16;
const STOP = Symbol('stop');

function contextsOf(slot: Slot): Slot['contexts'] {
  const make = (op: Completion['op']): IoContext => ({
    Internal: 0,
    InternalHigh: 0,
    hEvent: null,
    op,
    slot,
  });
  return { accept: make('accept'), send: make('send'), recv: make('recv'), disconnect: make('disconnect') };
}

/** A request's `OVERLAPPED`, zeroed for its next use (as C code `memset`s it). */
function fresh(context: IoContext): IoContext {
  context.Internal = 0;
  context.InternalHigh = 0;
  return context;
}

/** `WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER)` for `guid` on `s`. */
export function extensionFunction<F>(ws2: Ws2, s: SOCKET, guid: string): F {
  const fn = out<unknown>(null);
  const rc = ws2.WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, guid, 16, fn, 8, out(0), null, null);
  if (rc === SOCKET_ERROR)
    throw new Error(`no extension function ${guid}: ${wsaErrorName(ws2.WSAGetLastError())}`);
  return fn.value as F;
}

/** A running echo server. */
export interface IocpEchoServer {
  /** Where it listens. */
  readonly address: SOCKADDR_IN;
  /** Every packet the loop dequeued, in order. */
  readonly completions: Completion[];
  /** The first bytes each session's `AcceptEx` received, by session. */
  readonly firstData: Map<number, string>;
  /** The client address `GetAcceptExSockaddrs` gave for each session. */
  readonly peers: Map<number, SOCKADDR_IN>;
  /** What went wrong at once (no completion follows): the call and its error. */
  readonly refused: string[];
  /** Accept sockets made: the pool, and one more for each socket closed after a failure. */
  readonly socketsMade: number;
  /** Posts the stop packet, waits for the loop (closing the port if it does not end) and closes everything. */
  stop(): Promise<void>;
}

/**
 * Starts the server on `ws2`, listening on `bindTo` (port 0: any), with `pool` accept sockets
 * posted at once.
 */
export async function startIocpEchoServer(ws2: Ws2, bindTo: SOCKADDR_IN, pool = 2): Promise<IocpEchoServer> {
  const open = async (): Promise<SOCKET> => {
    const s = await ws2.WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
    if (s === INVALID_SOCKET) throw new Error(`WSASocketW: ${wsaErrorName(ws2.WSAGetLastError())}`);
    return s;
  };
  const listener = await open();
  if (
    (await ws2.bind(listener, bindTo, 16)) === SOCKET_ERROR ||
    (await ws2.listen(listener, 16)) === SOCKET_ERROR
  ) {
    throw new Error(`bind/listen: ${wsaErrorName(ws2.WSAGetLastError())}`);
  }
  const name = out<SOCKADDR | null>(null);
  ws2.getsockname(listener, name, out(16));
  const port = ws2.CreateIoCompletionPort(INVALID_HANDLE_VALUE, null, 0, 0) as IoCompletionPort;
  // AcceptEx completes on the listening socket: its packets carry the listener's key.
  ws2.CreateIoCompletionPort(listener, port, 'listener', 0);
  const AcceptEx = extensionFunction<LPFN_ACCEPTEX>(ws2, listener, WSAID_ACCEPTEX);
  const GetAcceptExSockaddrs = extensionFunction<LPFN_GETACCEPTEXSOCKADDRS>(
    ws2,
    listener,
    WSAID_GETACCEPTEXSOCKADDRS,
  );
  const DisconnectEx = extensionFunction<LPFN_DISCONNECTEX>(ws2, listener, WSAID_DISCONNECTEX);

  const completions: Completion[] = [];
  const firstData = new Map<number, string>();
  const peers = new Map<number, SOCKADDR_IN>();
  const refused: string[] = [];
  let socketsMade = 0;
  let sessions = 0;
  const slots: Slot[] = [];

  /** A new accept socket for `slot`, associated with the port under the slot as its key. */
  const arm = async (slot: Slot): Promise<void> => {
    slot.socket = await open();
    socketsMade++;
    ws2.CreateIoCompletionPort(slot.socket, port, slot, 0);
  };
  const postAccept = (slot: Slot): void => {
    // A server retries an AcceptEx that failed at once (WSAENOBUFS under pressure …).
    for (let attempt = 0; attempt < 3; attempt++) {
      const rc = AcceptEx(
        listener,
        slot.socket,
        slot.buffer,
        RECEIVE_LENGTH,
        ADDRESS_SLOT,
        ADDRESS_SLOT,
        out(0),
        fresh(slot.contexts.accept),
      );
      const error = rc ? 0 : ws2.WSAGetLastError();
      if (rc || error === WSA_IO_PENDING) return; // either way a packet will come
      refused.push(`AcceptEx: ${wsaErrorName(error)}`);
    }
  };
  /** The slot's socket is no good any more (reset, failed): close it, make another, accept again. */
  const replace = async (slot: Slot): Promise<void> => {
    ws2.closesocket(slot.socket);
    await arm(slot);
    postAccept(slot);
  };
  const postRecv = async (slot: Slot): Promise<void> => {
    const rc = await ws2.WSARecv(
      slot.socket,
      [wsabuf(slot.buffer)],
      1,
      out(0),
      out(0),
      fresh(slot.contexts.recv),
      null,
    );
    if (rc === SOCKET_ERROR && ws2.WSAGetLastError() !== WSA_IO_PENDING) {
      refused.push(`WSARecv: ${wsaErrorName(ws2.WSAGetLastError())}`);
      await replace(slot);
    }
  };
  const echo = async (slot: Slot, bytes: number): Promise<void> => {
    const data = slot.buffer.slice(0, bytes);
    const rc = await ws2.WSASend(slot.socket, [wsabuf(data)], 1, out(0), 0, fresh(slot.contexts.send), null);
    if (rc === SOCKET_ERROR && ws2.WSAGetLastError() !== WSA_IO_PENDING) {
      refused.push(`WSASend: ${wsaErrorName(ws2.WSAGetLastError())}`);
      await replace(slot);
    }
  };

  const handle = async (context: IoContext, ok: boolean, bytes: number): Promise<void> => {
    const slot = context.slot;
    if (!ok) {
      await replace(slot);
      return;
    }
    switch (context.op) {
      case 'accept': {
        // The accepted socket takes on the listener's properties (getpeername, shutdown … work).
        ws2.setsockopt(slot.socket, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, listener, 8);
        const local = out<SOCKADDR | null>(null);
        const remote = out<SOCKADDR | null>(null);
        GetAcceptExSockaddrs(
          slot.buffer,
          RECEIVE_LENGTH,
          ADDRESS_SLOT,
          ADDRESS_SLOT,
          local,
          out(0),
          remote,
          out(0),
        );
        peers.set(slot.session, remote.value as SOCKADDR_IN);
        firstData.set(slot.session, new TextDecoder().decode(slot.buffer.subarray(0, bytes)));
        if (bytes > 0) await echo(slot, bytes);
        else await postRecv(slot);
        return;
      }
      case 'send':
        await postRecv(slot);
        return;
      case 'recv':
        if (bytes > 0) {
          await echo(slot, bytes);
          return;
        }
        // The client has finished: disconnect, keeping the socket for the next AcceptEx.
        if (!DisconnectEx(slot.socket, fresh(slot.contexts.disconnect), TF_REUSE_SOCKET, 0)) {
          const error = ws2.WSAGetLastError();
          if (error !== WSA_IO_PENDING) {
            refused.push(`DisconnectEx: ${wsaErrorName(error)}`);
            await replace(slot);
          }
        }
        return;
      case 'disconnect':
        postAccept(slot); // the same socket, reused
        return;
      default:
        return;
    }
  };

  for (let id = 0; id < pool; id++) {
    const slot: Slot = {
      id,
      socket: INVALID_SOCKET,
      session: 0,
      buffer: new Uint8Array(RECEIVE_LENGTH + 2 * ADDRESS_SLOT),
      contexts: undefined as never,
    };
    (slot as { contexts: Slot['contexts'] }).contexts = contextsOf(slot);
    slots.push(slot);
    await arm(slot);
    postAccept(slot);
  }

  const loop = (async () => {
    for (;;) {
      const bytes = out(0);
      const key = out<CompletionKey>(null);
      const overlapped = out<unknown>(null);
      const ok = await ws2.GetQueuedCompletionStatus(port, bytes, key, overlapped, INFINITE);
      const error = ok ? 0 : ws2.GetLastError();
      if (!overlapped.value) {
        // A packet without an OVERLAPPED is the stop request; a closed port ends the wait.
        if (key.value === STOP || error === ERROR_ABANDONED_WAIT_0) return;
        continue;
      }
      const context = overlapped.value as IoContext;
      if (context.op === 'accept' && ok) context.slot.session = ++sessions;
      completions.push({ op: context.op, ok, error, bytes: bytes.value, session: context.slot.session });
      await handle(context, ok, bytes.value);
    }
  })();

  return {
    address: name.value as SOCKADDR_IN,
    completions,
    firstData,
    peers,
    refused,
    get socketsMade() {
      return socketsMade;
    },
    async stop() {
      ws2.PostQueuedCompletionStatus(port, 0, STOP, null);
      let timer: NodeJS.Timeout | undefined;
      const ended = await Promise.race([
        loop.then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(resolve, 10_000, false);
        }),
      ]);
      clearTimeout(timer);
      if (!ended) ws2.CloseHandle(port); // GetQueuedCompletionStatus ends with ERROR_ABANDONED_WAIT_0
      await loop;
      for (const slot of slots) ws2.closesocket(slot.socket);
      ws2.closesocket(listener);
      ws2.CloseHandle(port);
    },
  };
}

/** One session of the client: the message it sends with `ConnectEx`, and how it ends. */
export interface ClientSession {
  message: string;
  /** `'disconnect'`: `DisconnectEx(TF_REUSE_SOCKET)` and the socket is reused; `'reset'`: an abortive close. */
  end: 'disconnect' | 'reset';
}

/** What the client saw. */
export interface ClientReport {
  /** Every packet it dequeued, `session` numbering its sessions from 1. */
  completions: Completion[];
  /** The echo each session got back. */
  echoes: string[];
  /** Sockets it made: one, and one more after each reset. */
  socketsMade: number;
}

/** Runs `sessions` one after the other against `server` on a completion port of its own. */
export async function runIocpClient(
  ws2: Ws2,
  server: SOCKADDR_IN,
  sessions: ClientSession[],
): Promise<ClientReport> {
  const port = ws2.CreateIoCompletionPort(INVALID_HANDLE_VALUE, null, 0, 0) as IoCompletionPort;
  const completions: Completion[] = [];
  const echoes: string[] = [];
  let socketsMade = 0;
  let s: SOCKET = INVALID_SOCKET;
  let ConnectEx: LPFN_CONNECTEX | undefined;
  let DisconnectEx: LPFN_DISCONNECTEX | undefined;
  const newSocket = async (): Promise<void> => {
    s = await ws2.WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
    socketsMade++;
    // ConnectEx wants a bound socket.
    await ws2.bind(s, sockaddrIn('0.0.0.0', 0), 16);
    ws2.CreateIoCompletionPort(s, port, 'client', 0);
    ConnectEx = extensionFunction<LPFN_CONNECTEX>(ws2, s, WSAID_CONNECTEX);
    DisconnectEx = extensionFunction<LPFN_DISCONNECTEX>(ws2, s, WSAID_DISCONNECTEX);
  };
  /** Waits (bounded) for the next packet, which must belong to `op`. */
  const next = async (op: Completion['op'], session: number): Promise<Completion> => {
    const bytes = out(0);
    const overlapped = out<unknown>(null);
    const ok = await ws2.GetQueuedCompletionStatus(port, bytes, out<CompletionKey>(null), overlapped, 20_000);
    const error = ok ? 0 : ws2.GetLastError();
    if (!overlapped.value) throw new Error(`no completion for ${op}: ${error}`);
    const seen = (overlapped.value as { op: Completion['op'] }).op;
    const completion: Completion = { op: seen, ok, error, bytes: bytes.value, session };
    completions.push(completion);
    return completion;
  };
  const pending = (ok: boolean, call: string): void => {
    if (!ok && ws2.WSAGetLastError() !== WSA_IO_PENDING) {
      throw new Error(`${call}: ${wsaErrorName(ws2.WSAGetLastError())}`);
    }
  };
  const context = (op: Completion['op']) => ({ Internal: 0, InternalHigh: 0, hEvent: null, op });

  try {
    await newSocket();
    for (const [i, session] of sessions.entries()) {
      const number = i + 1;
      const message = new TextEncoder().encode(session.message);
      pending(
        ConnectEx!(s, server, 16, message, message.byteLength, out(0), context('connect')),
        'ConnectEx',
      );
      await next('connect', number);
      ws2.setsockopt(s, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, null, 0);
      let echo = '';
      while (echo.length < session.message.length) {
        const buffer = new Uint8Array(64);
        const rc = await ws2.WSARecv(s, [wsabuf(buffer)], 1, out(0), out(0), context('recv'), null);
        pending(rc !== SOCKET_ERROR, 'WSARecv');
        const got = await next('recv', number);
        if (!got.ok || got.bytes === 0) break;
        echo += new TextDecoder().decode(buffer.subarray(0, got.bytes));
      }
      echoes.push(echo);
      if (session.end === 'disconnect') {
        pending(DisconnectEx!(s, context('disconnect'), TF_REUSE_SOCKET, 0), 'DisconnectEx');
        await next('disconnect', number);
      } else {
        ws2.setsockopt(s, SOL_SOCKET, SO_LINGER, { l_onoff: 1, l_linger: 0 }, 4);
        ws2.closesocket(s);
        await newSocket();
      }
    }
  } finally {
    ws2.closesocket(s);
    ws2.CloseHandle(port);
  }
  return { completions, echoes, socketsMade };
}

import {
  AF_INET,
  createIfsHandle,
  INVALID_SOCKET,
  IPPROTO_TCP,
  out,
  providerHost,
  SOCK_STREAM,
  SOCKET_ERROR,
  WSA_INVALID_HANDLE,
  WSA_WAIT_EVENT_0,
  WSA_WAIT_TIMEOUT,
  WSAEFAULT,
  WSAEINVAL,
  WSAENOTSOCK,
  type WSAEVENT,
  WSANOTINITIALISED,
  WSPUPCALLTABLE_MEMBERS,
} from '@ws2spi/spi';
import { entry, protocolInfo } from './support/protocol-info';
import { scriptedProvider } from './support/scripted-provider';
import { ws2With } from './support/ws2-process';

const info = protocolInfo({ dwCatalogEntryId: 1001, ProviderId: 'cccccccc-0000-0000-0000-00000000000c' });
const other = protocolInfo({ dwCatalogEntryId: 1002, ProviderId: 'dddddddd-0000-0000-0000-00000000000d' });

async function started() {
  const p = scriptedProvider();
  const ws2 = ws2With([entry('p:c', info), entry('p:other', other)], { 'p:c': p });
  const s = await ws2.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  return { p, ws2, s, up: p.upcalls! };
}

describe('WSPUPCALLTABLE: all 15 upcalls, for real', () => {
  it('hands every provider a complete table bound to its process', async () => {
    const { up, ws2 } = await started();
    for (const name of WSPUPCALLTABLE_MEMBERS) expect(typeof up[name]).toBe('function');
    expect(providerHost(up)?.snapshot).toBe(ws2.catalogSnapshot);
  });

  it('WPUCreateSocketHandle / WPUQuerySocketHandleContext / WPUCloseSocketHandle', async () => {
    const { up, ws2, p } = await started();
    const errno = out(0);
    const context = { mine: true };
    const h = up.lpWPUCreateSocketHandle(1001, context, errno);
    expect(h).not.toBe(INVALID_SOCKET);
    const ctx = out<unknown>(null);
    expect(up.lpWPUQuerySocketHandleContext(h, ctx, errno)).toBe(0);
    expect(ctx.value).toBe(context);
    // The handle routes to the provider of the entry that claimed it.
    expect(ws2.shutdown(h, 1)).toBe(0);
    expect(p.calls.at(-1)).toEqual({ name: 'lpWSPShutdown', args: [h, 1, expect.anything()] });
    expect(up.lpWPUCloseSocketHandle(h, errno)).toBe(0);
    expect(up.lpWPUQuerySocketHandleContext(h, ctx, errno)).toBe(SOCKET_ERROR);
    expect(errno.value).toBe(WSAENOTSOCK);
    expect(up.lpWPUCreateSocketHandle(4242, context, errno)).toBe(INVALID_SOCKET);
    expect(errno.value).toBe(WSAEINVAL);
  });

  it('WPUModifyIFSHandle registers and re-owns IFS handles, but not non-IFS ones', async () => {
    const { up, s } = await started();
    const errno = out(0);
    const h = createIfsHandle();
    expect(up.lpWPUModifyIFSHandle(1001, h, errno)).toBe(h);
    expect(up.lpWPUModifyIFSHandle(1002, h, errno)).toBe(h);
    expect(up.lpWPUModifyIFSHandle(1001, s, errno)).toBe(INVALID_SOCKET); // s is a non-IFS handle
    expect(errno.value).toBe(WSAEINVAL);
    expect(up.lpWPUModifyIFSHandle(1001, -4, errno)).toBe(INVALID_SOCKET);
    const ctx = out<unknown>(null);
    expect(up.lpWPUQuerySocketHandleContext(h, ctx, errno)).toBe(SOCKET_ERROR);
    expect(errno.value).toBe(WSAEINVAL);
  });

  it('events: WPUCreateEvent / WPUSetEvent / WPUResetEvent / WPUCloseEvent, awaited with WSAWaitForMultipleEvents', async () => {
    const { up, ws2 } = await started();
    const errno = out(0);
    const ev = up.lpWPUCreateEvent(errno)!;
    expect(await ws2.WSAWaitForMultipleEvents(1, [ev], false, 0, false)).toBe(WSA_WAIT_TIMEOUT);
    setTimeout(() => up.lpWPUSetEvent(ev, errno), 5);
    expect(await ws2.WSAWaitForMultipleEvents(1, [ev], false, 5000, false)).toBe(WSA_WAIT_EVENT_0);
    expect(up.lpWPUResetEvent(ev, errno)).toBe(true);
    expect(ev.signalled).toBe(false);
    expect(up.lpWPUCloseEvent(ev, errno)).toBe(true);
    expect(up.lpWPUSetEvent(ev, errno)).toBe(false);
    expect(errno.value).toBe(WSA_INVALID_HANDLE);
    expect(up.lpWPUSetEvent({ id: 1, signalled: false } as WSAEVENT, errno)).toBe(false);
  });

  it('WPUQueueApc and WPUPostMessage run later, outside the provider call', async () => {
    const { up } = await started();
    const order: string[] = [];
    expect(
      up.lpWPUQueueApc({ ThreadHandle: 1, Reserved: 0 }, (ctx) => order.push(`apc ${ctx}`), 'x', out(0)),
    ).toBe(0);
    expect(up.lpWPUPostMessage({ post: (m, w, l) => order.push(`msg ${m} ${w} ${l}`) }, 0x401, 5, 6)).toBe(
      true,
    );
    order.push('returned');
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['returned', 'apc x', 'msg 1025 5 6']);
    expect(up.lpWPUPostMessage(null as never, 1, 2, 3)).toBe(false);
  });

  it('WPUGetProviderPath returns the unexpanded path, or WSAEFAULT with the length needed', async () => {
    const { up } = await started();
    const errno = out(0);
    const path = out('');
    const len = out(2);
    expect(up.lpWPUGetProviderPath(info.ProviderId, path, len, errno)).toBe(SOCKET_ERROR);
    expect([errno.value, len.value]).toEqual([WSAEFAULT, 'p:c'.length + 1]);
    expect(up.lpWPUGetProviderPath(info.ProviderId, path, len, errno)).toBe(0);
    expect(path.value).toBe('p:c');
    expect(up.lpWPUGetProviderPath('00000000-0000-0000-0000-000000000000', path, out(99), errno)).toBe(
      SOCKET_ERROR,
    );
    expect(errno.value).toBe(WSAEINVAL);
  });

  it('WPUFDIsSet, WPUQueryBlockingCallback, WPUOpenCurrentThread, WPUCloseThread', async () => {
    const { up, s } = await started();
    expect(up.lpWPUFDIsSet(s, { fd_array: [1, s] })).toBe(1);
    expect(up.lpWPUFDIsSet(s, { fd_array: [] })).toBe(0);
    const cb = out<unknown>(() => true);
    expect(up.lpWPUQueryBlockingCallback(1001, cb as never, out<unknown>(1), out(0))).toBe(0);
    expect(cb.value).toBeNull();
    const tid = { ThreadHandle: 0, Reserved: 9 };
    expect(up.lpWPUOpenCurrentThread(tid, out(0))).toBe(0);
    expect(tid.ThreadHandle).toBeGreaterThan(0);
    expect(up.lpWPUCloseThread(tid, out(0))).toBe(0);
    expect(up.lpWPUOpenCurrentThread(null as never, out(0))).toBe(SOCKET_ERROR);
  });

  it('after the last WSACleanup the upcalls report WSANOTINITIALISED', async () => {
    const { up, ws2 } = await started();
    ws2.WSACleanup();
    const errno = out(0);
    expect(up.lpWPUCreateSocketHandle(1001, {}, errno)).toBe(INVALID_SOCKET);
    expect(errno.value).toBe(WSANOTINITIALISED);
  });
});

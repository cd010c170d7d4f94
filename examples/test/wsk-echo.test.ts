import { runWskEchoDemo } from '../src/wsk-echo-demo';

describe('the WSK echo example (node examples/dist/wsk-echo.js)', () => {
  it('echoes for two Winsock clients and reports a graceful and an abortive WskDisconnectEvent', async () => {
    const lines: string[] = [];
    const result = await runWskEchoDemo((line) => lines.push(line));
    expect(result.echoes).toEqual(['hello, WSK', 'and goodbye']);
    expect(result.disconnects).toEqual(['graceful', 'abortive']);
    const events = lines.filter((l) => l.includes('WskDisconnectEvent'));
    expect(events).toHaveLength(2);
    // At DISPATCH_LEVEL when the FIN found nothing unread (the usual case), else later at PASSIVE_LEVEL.
    expect(events[0]).toMatch(/graceful \(Flags 0x(8: WSK_FLAG_AT_DISPATCH_LEVEL|0)\)/);
    expect(events[1]).toMatch(/abortive \(Flags 0x9: WSK_FLAG_ABORTIVE \| WSK_FLAG_AT_DISPATCH_LEVEL\)/);
    expect(lines).toContain('\nverifier: no violations');
    expect(lines.some((l) => l.includes('stopped: WskDeregister returned'))).toBe(true);
  });
});

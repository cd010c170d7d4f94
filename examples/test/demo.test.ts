import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runDisconnectDataDemo } from '../src/disconnect-data-demo';
import { runTracedIsoDemo, WHAT_TO_TRY_NEXT } from '../src/traced-iso-demo';

describe('the demo (pnpm demo)', () => {
  it('shows TCP refusing disconnect data and ISO transport carrying it to the peer', async () => {
    const lines: string[] = [];
    const steps = await runDisconnectDataDemo((line) => lines.push(line));
    const result = (call: string) => steps.find((s) => s.call === call)?.result;
    expect(result('WSASendDisconnect(client, "bye")')).toMatch(/WSAENOPROTOOPT \(10042\)/);
    expect(result('recv(client)')).toBe('15 "still connected"');
    expect(result('WSASendDisconnect(client, NULL)')).toBe('0');
    expect(steps.filter((s) => s.call === 'recv(server)').map((s) => s.result)).toEqual([
      '0 (the peer finished: FIN)',
      '25 "one TSDU, boundaries kept"',
      expect.stringMatching(/WSAEDISCON \(10101\)/),
    ]);
    expect(result('WSAConnect(client, caller data "hello (CR user data)")')).toBe(
      '0 — callee data "welcome (CC user data)"',
    );
    expect(result('WSAAccept condition saw caller data')).toBe('"hello (CR user data)"');
    expect(result('WSARecvDisconnect(server, buf[64])')).toBe(
      '0 — "goodbye: up to 64 octets ride in the DR"',
    );
    expect(lines.some((l) => l.includes('MSAFD Tcpip [TCP/IP]') && l.includes('no disconnect data'))).toBe(
      true,
    );
    expect(lines.some((l) => l.includes('TP2') && l.includes('carries disconnect data'))).toBe(true);
  });

  it('runs the ISO conversation again through a tracer LSP and draws the calls through the chain', async () => {
    const lines: string[] = [];
    const { steps, trace, diagram } = await runTracedIsoDemo((line) => lines.push(line));
    // The same conversation, with the same results, through the layer.
    expect(steps.map((s) => s.result)).toEqual([
      '0 — callee data "welcome (CC user data)"',
      '"hello (CR user data)"',
      '25',
      '25 "one TSDU, boundaries kept"',
      '0',
      expect.stringMatching(/WSAEDISCON \(10101\)/),
      '0 — "goodbye: up to 64 octets ride in the DR"',
    ]);
    // The chain entry WSCInstallProviderAndChains wrote is the one the sockets used.
    expect(lines[0]).toMatch(
      /^ {2}\d+ +ws2spi demo tracer over \[ws2spi ISO Transport \[TP2 over TCP, RFC 2126\]\]$/,
    );
    expect(trace.records.every((r) => r.layer === 'tracer')).toBe(true);
    // Every call the application made on a TP2 socket went through the tracer, in order.
    expect(trace.calls().filter((c) => !/GetSockName|Cleanup/.test(c))).toEqual([
      'tracer WSPSocket',
      'tracer WSPBind',
      'tracer WSPListen',
      'tracer WSPSocket',
      'tracer WSPConnect',
      'tracer WSPAccept',
      'tracer WSPSend',
      'tracer WSPRecv',
      'tracer WSPSendDisconnect',
      'tracer WSPRecv',
      'tracer WSPRecvDisconnect',
      'tracer WSPCloseSocket',
      'tracer WSPCloseSocket',
      'tracer WSPCloseSocket',
    ]);
    // The diagram: application, tracer, provider; each call of the conversation goes down both
    // hops and its result comes back up both.
    const rows = diagram.split('\n');
    expect(rows[0].trim().split(/\s+/)).toEqual(['Application', 'tracer', 'ISO', 'TP2']);
    const down = (call: string) => rows.filter((row) => row.includes('▶') && row.includes(call)).length;
    for (const call of ['WSPConnect(#2', 'WSPAccept(#1', 'WSPSend(#2', 'WSPSendDisconnect(#2, <39 bytes>)']) {
      expect(down(call)).toBe(2);
    }
    expect(down('WSPRecv(#3')).toBe(4);
    expect(
      rows.filter((row) => row.includes('◀') && row.endsWith('= SOCKET_ERROR [WSAEDISCON]')),
    ).toHaveLength(2);
    expect(diagram).not.toMatch(/WSPBind|WSPCloseSocket|WSPGetSockName/); // the conversation only
    expect(lines.join('\n')).toContain(diagram.trimEnd().split('\n')[2]);
  });

  it('ends with what to try next, every place of which exists', () => {
    const root = join(__dirname, '../..');
    expect(WHAT_TO_TRY_NEXT.map(([where]) => where)).toEqual(
      expect.arrayContaining(['docs/architecture.md', 'docs/guides/writing-a-layer.md', 'pnpm run docs']),
    );
    for (const [where] of WHAT_TO_TRY_NEXT) {
      if (where.startsWith('pnpm ')) continue;
      expect([where, existsSync(join(root, where))]).toEqual([where, true]);
    }
  });
});

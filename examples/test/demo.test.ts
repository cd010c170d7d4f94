import { runDisconnectDataDemo } from '../src/disconnect-data-demo';

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
});

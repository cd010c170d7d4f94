/**
 * `LoopbackCapture` cleans up after itself: a tshark that cannot be started fails `start` at once
 * (not after the 15-second step limit), and `dispose` kills a capture that is still running instead
 * of leaving it alive until its own 60-second limit.
 */
import { itWithTshark, LoopbackCapture } from '@ws2spi/spi/testing';

describe('LoopbackCapture', () => {
  it('fails start at once when tshark cannot be started (spawn ENOENT)', async () => {
    const failure = await LoopbackCapture.start('udp port 9', { command: '/nonexistent/ws2spi/tshark' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/tshark could not be started: .*ENOENT/);
  }, 10_000);

  itWithTshark(
    'dispose kills a capture that is still running',
    async () => {
      const capture = await LoopbackCapture.start('udp port 9');
      expect(capture.running).toBe(true);
      capture.dispose();
      await capture.exited;
      expect(capture.running).toBe(false);
    },
    'capture',
    20_000,
  );
});

/**
 * Bounds on the suite's waits, so a provider that never answers fails a test with a message
 * instead of hanging jest. These are hang guards, not timed assertions: the bound is generous and
 * only a call that never completes reaches it.
 * @module
 */

/** `promise`, or a rejection naming `what` once `timeoutMs` passed; the timer never outlives the wait. */
export async function withinTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not complete within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** One turn of the event loop (a macrotask), so deliveries and promise chains already under way can progress. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** `turns` macrotask turns, then the environment's `settle` if it has one. */
export async function letDeliveriesHappen(
  settle: (() => Promise<void>) | undefined,
  turns = 5,
): Promise<void> {
  for (let i = 0; i < turns; i++) await nextTurn();
  if (settle) await settle();
}

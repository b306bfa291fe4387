/** Bounded polling while real servers answer (at most ~5 s). */
export async function waitFor(condition: () => Promise<boolean> | boolean, attempts = 500): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('condition not met');
}

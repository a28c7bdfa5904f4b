/**
 * Runs `work` when asked, never twice at once: asks that arrive while it runs fold into one more
 * run after it. The first live event refreshes at once; a burst (simulate at 20 cases/s) costs
 * one refresh per refresh time, not one per event.
 */
export function coalesce(work: () => Promise<unknown>): () => Promise<void> {
  let busy = false;
  let dirty = false;
  return async () => {
    if (busy) {
      dirty = true;
      return;
    }
    busy = true;
    try {
      do {
        dirty = false;
        await work().catch(() => undefined);
      } while (dirty);
    } finally {
      busy = false;
    }
  };
}

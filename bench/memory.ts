/** Samples the resident set while work runs; the peak is what a container limit must cover. */
export function trackPeakMemory(intervalMs = 20): { stop(): { peakRssMiB: number; peakHeapMiB: number } } {
  let peakRss = process.memoryUsage().rss;
  let peakHeap = process.memoryUsage().heapUsed;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
      return { peakRssMiB: +(peakRss / 2 ** 20).toFixed(1), peakHeapMiB: +(peakHeap / 2 ** 20).toFixed(1) };
    },
  };
}

/**
 * One run, one interrupt signal, hundreds of requests. Every SDK request in flight listens
 * for `abort` on the signal it is given, and Node warns (MaxListenersExceededWarning) once
 * more than 10 listeners wait on one AbortSignal: sharing the run's signal between 16
 * uploads, their retries' back-off timers and a multipart upload's parts did exactly that.
 *
 * So each operation gets a signal of its own, and one listener on the run's signal aborts
 * every operation still in flight.
 */
export interface AbortFanOut {
  /** Runs `work` with a signal that aborts when the run's signal does. */
  withSignal<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /** Stops listening to the run's signal. */
  dispose(): void;
}

export function abortFanOut(runSignal: AbortSignal | undefined): AbortFanOut {
  const inFlight = new Set<AbortController>();
  const abortAll = () => {
    for (const controller of inFlight) controller.abort(runSignal?.reason);
  };
  runSignal?.addEventListener("abort", abortAll, { once: true });
  return {
    async withSignal(work) {
      const controller = new AbortController();
      if (runSignal?.aborted) controller.abort(runSignal.reason);
      inFlight.add(controller);
      try {
        return await work(controller.signal);
      } finally {
        inFlight.delete(controller);
      }
    },
    dispose() {
      runSignal?.removeEventListener("abort", abortAll);
    },
  };
}

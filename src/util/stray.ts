// A policy module may leave a timer or a promise behind that throws once its hook has
// returned. The command line ends on such an error (exit 1), so an output must not
// appear before it could fire: results are written and files take their names only
// after one turn of the event loop, in which every timer due at once (setTimeout 0, set
// earlier) and every rejected promise has run. A timer set to fire later is not waited for.

/** Resolves after the timers due now and the pending rejections have had their turn. */
export function afterStrayCallbacks(): Promise<void> {
  return new Promise((done) => setTimeout(done, 0));
}

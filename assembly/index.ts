// Exports of the WebAssembly core. The host drives it through src/core/wasm-core.ts.
export { init, reset, run, answerRequests, deliver, migrate, firstBadRecord } from "./engine";
export { layoutOffset } from "./arena";
export { decodeBlock } from "./tracedec";
// Pure window functions of the policies, exported so that tests can check them against
// the reference's twins directly.
export { ampomWindow } from "./policies/ampom";
export { linuxReadaheadWindow } from "./policies/linux-cluster";
export { leapWindow } from "./policies/leap";
// The read a policy makes of an arrival, exported so that tests can show the core
// refuses it for a page still in flight.
export { arrivedAt as policyArrivedAt } from "./pagetable";

// Exports of the WebAssembly core. The host drives it through src/core/wasm-core.ts.
export { init, reset, run, answerRequests, deliver, migrate } from "./engine";
export { layoutOffset } from "./arena";

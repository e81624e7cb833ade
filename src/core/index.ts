// Creating a core by kind: the only place the host names a core implementation.
import { ReferenceCore } from "./reference-core.js";
import type { CoreKind, SimCore } from "./types.js";
import { WasmCore } from "./wasm-core.js";

export async function createCore(kind: CoreKind): Promise<SimCore> {
  return kind === "wasm" ? WasmCore.create() : new ReferenceCore();
}

/** The caller will not touch `core` or its views again: a WebAssembly core may be
 * reused by a later createCore(). */
export function releaseCore(core: SimCore): void {
  if (core instanceof WasmCore) core.release();
}

export type { CoreKind, SimCore, CoreViews } from "./types.js";
export { CapacityError } from "./types.js";

// Migration mechanism registry: a new mechanism is one file plus one line here.
import { fullCopy } from "./full-copy.js";
import { lightweight } from "./lightweight.js";
import type { Mechanism } from "./types.js";

export const mechanisms: Record<string, Mechanism> = {
  "full-copy": fullCopy,
  lightweight,
};

export function mechanismNames(): string[] {
  return Object.keys(mechanisms);
}

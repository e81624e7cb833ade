// What a caught value says: an Error's message, anything else as a string (a module may
// throw a string or undefined).
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

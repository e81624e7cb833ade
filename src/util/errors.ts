// What a caught value says: an Error's message, anything else described (a module may
// throw a string, undefined, or any object at all).
import { types } from "node:util";

/** `value instanceof cls` for anything a policy module may throw: a Proxy is not asked
 * (its getPrototypeOf trap is the module's code, and may throw), and a prototype chain
 * that throws reads as not an instance. */
export function isInstance<T>(value: unknown, cls: abstract new (...args: never[]) => T): value is T {
  try {
    return !types.isProxy(value) && value instanceof cls;
  } catch {
    return false;
  }
}

/** The most of a thrown value's own text a message quotes. */
const CLIP = 200;

/** One line for any thrown value, and never a throw of its own: an Error's message; a
 * string as it is; another primitive as String() gives it; any other object described
 * ("an object with no prototype, not an Error", `an object, not an Error: {"code":3}`).
 * Describing a value can run its code (a toString, a getter, a Proxy's traps): a Proxy is
 * not read at all, and where the rest throws, that is said instead. */
export function errorMessage(err: unknown): string {
  return describe(err, true);
}

function describe(value: unknown, deep: boolean): string {
  try {
    return describeOrThrow(value);
  } catch (inner) {
    // what the value's own code threw, described once (not that value's own throw again)
    const why = deep ? ` (trying threw: ${describe(inner, false)})` : "";
    return `${kindOf(value)}, which could not be described${why}`;
  }
}

/** What `value` is, from what reading it cannot change (typeof, and Node's checks of
 * what an object is, which run none of its code). */
function kindOf(value: unknown): string {
  if (typeof value !== "object" && typeof value !== "function") return `a ${typeof value}`;
  if (value === null) return "null";
  if (types.isProxy(value)) return "a Proxy, not an Error";
  if (types.isNativeError(value)) return "an Error";
  return typeof value === "function" ? "a function, not an Error" : "an object, not an Error";
}

function oneLine(text: string): string {
  const t = text.replace(/\s*\n\s*/g, " ").trim();
  return t.length > CLIP ? `${t.slice(0, CLIP)}...` : t;
}

function describeOrThrow(value: unknown): string {
  if (typeof value === "string") return value;
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return String(value);
  // its traps are code of its own, and a throwing trap is what this guards against
  if (types.isProxy(value)) return kindOf(value);
  if (value instanceof Error || types.isNativeError(value)) {
    const message = (value as Error).message;
    return typeof message === "string" ? message : describeOrThrow(message);
  }
  const proto: unknown = Object.getPrototypeOf(value);
  const name = proto === null ? "" : (proto as { constructor?: { name?: unknown } }).constructor?.name;
  const kind =
    proto === null
      ? "an object with no prototype"
      : typeof value === "function"
        ? "a function"
        : typeof name === "string" && name !== "" && name !== "Object"
          ? `an object of class ${name}`
          : "an object";
  let text = "";
  if (proto !== null && typeof value !== "function") {
    // a toString of its own says what it is; Object's ("[object Object]") does not
    const own = String(value);
    if (!/^\[object [^\]]*\]$/.test(own)) text = own;
  }
  if (text === "" && typeof value !== "function") {
    try {
      const json = JSON.stringify(value);
      if (typeof json === "string" && json !== "{}") text = json;
    } catch {
      // a cycle or a BigInt: the kind alone
    }
  }
  return `${kind}, not an Error${text ? `: ${oneLine(text)}` : ""}`;
}

/** A value as a message that refuses it shows it: a list or an object by its kind, not
 * its contents; a function as one (not its source); a BigInt as code writes it, 12n
 * (JSON cannot write one, and threw its own TypeError in place of the message); other
 * values as JSON writes them, NaN and the infinities as numbers (JSON writes null). */
export function shown(value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? "an empty list" : `a list of ${value.length} value${value.length === 1 ? "" : "s"}`;
  if (value !== null && typeof value === "object") return "an object";
  if (typeof value === "function") return "a function";
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  return JSON.stringify(value) ?? String(value);
}

/** What a library caller's own callback threw, labelled with the call that ran it. */
export class CallbackError extends Error {}

/** `fn` (a library caller's callback, such as onProgress) with what it throws labelled
 * `${what} threw: <its message>` (the thrown value kept as the cause), so that the caller
 * sees their own code failed, not the library. Already labelled, it passes on as it is:
 * evaluate()'s onProgress runs inside sweep()'s. Anything but a function is refused
 * here, as the call starts: called, it failed only after the first runs, as the
 * callback's own "fn is not a function". */
export function labelThrows<A extends unknown[]>(what: string, fn: ((...args: A) => void) | undefined): ((...args: A) => void) | undefined {
  if (fn === undefined) return undefined;
  if (typeof fn !== "function") throw new Error(`${what}: expected a function, got ${shown(fn)}`);
  return (...args: A) => {
    try {
      fn(...args);
    } catch (err) {
      if (isInstance(err, CallbackError)) throw err;
      throw new CallbackError(`${what} threw: ${errorMessage(err)}`, { cause: err });
    }
  };
}

// The JSON files a user writes (sweep configs, cluster scenarios, the corpus manifest),
// read with messages that name the file and, for a syntax error, its line and column:
// V8's JSON.parse messages do not always carry a position, and a user fixing a config
// file needs one. jsonErrorWhere is only called after JSON.parse has failed, and
// jsonMemberProblem after it has passed; both are a small recursive-descent scan of the
// JSON grammar.
import { readFileSync } from "node:fs";
import { errorMessage } from "./errors.js";
import { inexactWhole } from "./params.js";

export interface JsonWhere {
  line: number;
  column: number;
  /** what the scanner expected there */
  expected: string;
}

/** Where `text` stops being JSON, and what the scanner expected there; undefined when
 * it is JSON (or nested too deep to scan). */
export function jsonErrorWhere(text: string): JsonWhere | undefined {
  const found = scanJson(text, false);
  return found && { line: found.line, column: found.column, expected: found.problem };
}

/** In JSON text, what JSON.parse would take silently but a file a user wrote should not
 * hold: a member name given twice in an object (JSON.parse keeps the last, so a sweep
 * grid's first list of values would vanish), `__proto__` (a name no option has, which a
 * lookup in a plain object would find all the same), or a whole number it cannot hold
 * (JSON.parse rounds 9007199254740993 to 9007199254740992 before any check sees it, so
 * a run would not be the one written). */
export function jsonMemberProblem(text: string): { line: number; column: number; problem: string } | undefined {
  return scanJson(text, true);
}

/** A path below a JSON value as messages write it: grid.seed[2], processes[0].memory. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out === "" ? String(p) : `.${String(p)}`;
  return out;
}

/** What is wrong with a number token written as a whole number (digits, no exponent)
 * that JSON.parse cannot hold exactly; undefined for any other. Only the token shows
 * it: the parsed value is rounded before any check sees it. One held exactly (2^53,
 * 10^20) is left to the field's own check, which names its bound. */
function wholeNumberProblem(token: string): string | undefined {
  const m = /^(-?\d+)(?:\.0+)?$/.exec(token);
  return m ? inexactWhole(m[1], token, "a JSON number") : undefined;
}

/** Line and column (from 1) of offset `at` in `text`. */
function lineColumn(text: string, at: number): { line: number; column: number } {
  const before = text.slice(0, at);
  return { line: before.split("\n").length, column: at - before.lastIndexOf("\n") };
}

function scanJson(text: string, members: boolean): { line: number; column: number; problem: string } | undefined {
  let i = 0;
  const fail = (expected: string): never => {
    throw { at: i, expected };
  };
  const memberFail = (at: number, problem: string): never => {
    throw { at, problem };
  };
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i])) i++;
  };
  const lit = (word: string) => {
    for (const ch of word) if (text[i++] !== ch) ((i -= 1), fail(`"${word}"`));
  };
  const str = () => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail("a closing quote");
      const c = text[i];
      if (c === '"') return void i++;
      if (c < " ") fail("no control character inside a string");
      if (c === "\\") {
        i++;
        if (text[i] === "u") {
          for (let k = 1; k <= 4; k++) if (!/[0-9a-fA-F]/.test(text[i + k] ?? "")) ((i += k), fail("four hex digits after \\u"));
          i += 5;
        } else if ('"\\/bfnrt'.includes(text[i] ?? "x")) i++;
        else fail("an escape such as \\n or \\\"");
      } else i++;
    }
  };
  /** where the scan is (member names and list indices), for the number check */
  const path: Array<string | number> = [];
  const num = () => {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) fail("a number");
    const whole = members ? wholeNumberProblem(m![0]) : undefined;
    if (whole !== undefined) memberFail(i, path.length > 0 ? `${formatPath(path)}: ${whole}` : whole);
    i += m![0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") return void i++;
      const seen = new Map<string, number>();
      for (;;) {
        ws();
        if (text[i] !== '"') fail("a double-quoted member name");
        const at = i;
        str();
        const name = members ? (JSON.parse(text.slice(at, i)) as string) : "";
        if (members) {
          const first = seen.get(name);
          if (first !== undefined) {
            const f = lineColumn(text, first);
            memberFail(at, `member "${name}" given twice in one object (first at line ${f.line}, column ${f.column}): JSON would keep only the last`);
          }
          if (name === "__proto__") memberFail(at, `member name "__proto__" is not allowed`);
          seen.set(name, at);
        }
        ws();
        if (text[i] !== ":") fail('":"');
        i++;
        if (members) path.push(name);
        value();
        if (members) path.pop();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "}") return void i++;
        else fail('"," or "}"');
      }
    }
    if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") return void i++;
      for (let index = 0; ; index++) {
        if (members) path.push(index);
        value();
        if (members) path.pop();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "]") return void i++;
        else fail('"," or "]"');
      }
    }
    if (c === '"') return str();
    if (c === "t") return lit("true");
    if (c === "f") return lit("false");
    if (c === "n") return lit("null");
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return num();
    fail(i >= text.length ? "more input (the text ends too early)" : "a value");
  };
  try {
    value();
    ws();
    if (i < text.length) fail("the end of the text");
    return undefined;
  } catch (e) {
    if (e instanceof Error) return undefined; // nested too deep to scan: no position
    const { at, expected, problem } = e as { at: number; expected?: string; problem?: string };
    return { ...lineColumn(text, at), problem: problem ?? expected! };
  }
}

/** JSON.parse of a file's text; a syntax error is `LABEL:LINE:COLUMN: not valid JSON
 * (expected ...)`, a member name given twice or `__proto__` `LABEL:LINE:COLUMN: member
 * ...`, a whole number JSON cannot hold `LABEL:LINE:COLUMN: PATH: got ...`, `label`
 * naming the file. */
function parseJsonFile(text: string, label: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    const where = jsonErrorWhere(text);
    if (where) throw new Error(`${label}:${where.line}:${where.column}: not valid JSON (expected ${where.expected})`);
    throw new Error(`${label}: not valid JSON (${errorMessage(err)})`);
  }
  const member = jsonMemberProblem(text);
  if (member) throw new Error(`${label}:${member.line}:${member.column}: ${member.problem}`);
  return parsed;
}

/** Reads and parses the JSON file `path`, a `what` (e.g. "sweep config"); every failure
 * is one line that begins with `label` (the path unless given): `LABEL: no such file (the WHAT)`,
 * `LABEL: is a directory, not a WHAT`, `LABEL:LINE:COLUMN: not valid JSON (...)`. */
export function readJsonFile(path: string, what: string, label = path): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new Error(`${label}: no such file (the ${what})`);
    if (code === "EISDIR") throw new Error(`${label}: is a directory, not a ${what}`);
    throw new Error(`${label}: cannot read the ${what} (${code ?? errorMessage(err)})`);
  }
  // a byte-order mark, which some editors write at the start of UTF-8 (JSON's RFC lets a
  // reader ignore it): JSON.parse stops at it, and the message blamed 1:1
  return parseJsonFile(text.startsWith("\uFEFF") ? text.slice(1) : text, label);
}

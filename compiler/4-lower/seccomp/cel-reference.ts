import { Environment, parse, serialize, type ASTNode } from '@marcbachmann/cel-js';
import { UnsignedInt } from '@marcbachmann/cel-js/evaluator';

/**
 * The reference semantics of `when:` conditions: the condition text evaluated by
 * @marcbachmann/cel-js, an independent CEL implementation with its own parser, against
 * argument values. Differential tests require evalPred(lowerCondition(parse(text))) to give
 * the same verdict for every condition and argument vector (test/compiler/4-lower/seccomp/).
 *
 * The environment: `args` is list<uint> (seccomp_data.args are u64), every named constant
 * a uint constant, and hasAny/hasAll/hasNone/masked are methods on uint, defined on the
 * full 64-bit values (so independently of the word decomposition under test):
 *   x.hasAny(F…)  ⇔ x & (F1|F2|…) != 0      x.hasAll(F…)  ⇔ x & F == F
 *   x.hasNone(F…) ⇔ x & F == 0              x.masked(M)   =  x & M
 *
 * Integer literals. In CEL an unsuffixed literal such as `5` is an int, so `args[0] == 5`
 * compares a uint with an int. The CEL language definition gives such comparisons their
 * numeric meaning (cel-spec langdef.md, "Equality" and "Ordering": int, uint and double
 * compare as values on one number line, a.k.a. heterogeneous equality, cel-spec proposal
 * #210), and `e in list` is true when e equals some element under that equality.
 * cel-js 8 implements the mixed ordering (`uint < int`) but not the rest: `uint == int` is
 * "no such overload" unless one side is dyn, and list membership compares with same-type
 * equality only, so `5u in [5]` is false. Registering extra `in` overloads does not help
 * either (they collide with its generic `V in list<V>` at run time).
 *
 * So the reference does what heterogeneous equality makes equivalent: it parses the text
 * with cel-js's own parser, retypes every non-negative int literal to a uint of the same
 * value on cel-js's AST (never ours), prints it back with cel-js's serializer and evaluates
 * that. Every operation in the language then sees uint operands only, where cel-js follows
 * the spec, and since under the spec an int and a uint of the same value compare equal and
 * order the same, no verdict of standard CEL changes. Left alone: list indexes (`args[0]`:
 * CEL indexes lists with int) and operands of unary minus (a negative int never equals a
 * uint; cel-js then rejects the comparison, and the reference throws, which is fine for
 * text outside the language). Our grammar is used nowhere here.
 *
 * The caller passes args already reduced per width: a 32-bit argument as its low word.
 */
export function celEval(text: string, args: readonly bigint[], constants: Readonly<Record<string, bigint>>): boolean {
  const r: unknown = compile(text, constants)({ args: args.map((a) => new UnsignedInt(a)) });
  if (typeof r !== 'boolean') throw new Error(`condition ${JSON.stringify(text)} evaluated to ${String(r)}, not a bool`);
  return r;
}

/** The text that celEval hands to cel-js after retyping its int literals (for failure messages). */
export function celReferenceText(text: string): string {
  return serialize(retype(parse(text).ast, false) as unknown as ASTNode);
}

/** Flag helpers take up to this many constants here: cel-js has no variadic functions, and 32 is its default limit of call arguments. */
export const MAX_FLAG_OPERANDS = 32;
const U64_MAX = (1n << 64n) - 1n;

type Program = (ctx: Record<string, unknown>) => unknown;
interface Compiled {
  env: Environment;
  programs: Map<string, Program>;
}
/**
 * Environments hold the constants (an ABI has about a thousand), so each is built once per
 * constants object (by identity, then by content; so do not change one after use) and a
 * condition is parsed once per text.
 */
const byIdentity = new WeakMap<object, Compiled>();
const byContent = new Map<string, Compiled>();

function compile(text: string, constants: Readonly<Record<string, bigint>>): Program {
  let e = byIdentity.get(constants);
  if (!e) {
    const key = Object.entries(constants).map(([n, v]) => `${n}=${v}`).sort().join(',');
    e = byContent.get(key);
    if (!e) {
      if (byContent.size > 64) byContent.clear();
      e = { env: environment(constants), programs: new Map() };
      byContent.set(key, e);
    }
    byIdentity.set(constants, e);
  }
  let p = e.programs.get(text);
  if (!p) {
    const parsed = e.env.parse(celReferenceText(text));
    p = (ctx) => parsed(ctx) as unknown;
    if (e.programs.size > 10_000) e.programs.clear();
    e.programs.set(text, p);
  }
  return p;
}

function environment(constants: Readonly<Record<string, bigint>>): Environment {
  const env = new Environment().registerVariable('args', 'list<uint>');
  for (const [n, v] of Object.entries(constants)) env.registerConstant(n, 'uint', new UnsignedInt(v));
  const u = (x: unknown): bigint => {
    if (!(x instanceof UnsignedInt)) throw new Error(`expected a uint, got ${String(x)}`);
    return x.valueOf();
  };
  const union = (fs: unknown[]): bigint => fs.reduce<bigint>((acc, f) => acc | u(f), 0n);
  for (let n = 1; n <= MAX_FLAG_OPERANDS; n++) {
    const params = Array<string>(n).fill('uint').join(', ');
    env.registerFunction(`uint.hasAny(${params}): bool`, (x: unknown, ...fs: unknown[]) => (u(x) & union(fs)) !== 0n);
    env.registerFunction(`uint.hasAll(${params}): bool`, (x: unknown, ...fs: unknown[]) => (u(x) & union(fs)) === union(fs));
    env.registerFunction(`uint.hasNone(${params}): bool`, (x: unknown, ...fs: unknown[]) => (u(x) & union(fs)) === 0n);
  }
  env.registerFunction('uint.masked(uint): uint', (x: unknown, m: unknown) => new UnsignedInt(u(x) & u(m)));
  return env;
}

interface PlainNode {
  op: string;
  args: unknown;
}

/** A copy of cel-js's AST with int literals retyped to uint (see celEval). */
function retype(n: ASTNode, keepInt: boolean): PlainNode {
  switch (n.op) {
    case 'value': {
      const v = n.args;
      const widen = !keepInt && typeof v === 'bigint' && v >= 0n && v <= U64_MAX;
      return { op: n.op, args: widen ? new UnsignedInt(v) : v };
    }
    case 'id':
      return { op: n.op, args: n.args };
    case '[]':
    case '[?]':
      return { op: n.op, args: [retype(n.args[0], false), retype(n.args[1], true)] };
    case '-_':
      return { op: n.op, args: retype(n.args, true) };
    case '!_':
      return { op: n.op, args: retype(n.args, false) };
    case '.':
    case '.?':
      return { op: n.op, args: [retype(n.args[0], false), n.args[1]] };
    case 'call':
      return { op: n.op, args: [n.args[0], n.args[1].map((a) => retype(a, false))] };
    case 'rcall':
      return { op: n.op, args: [n.args[0], retype(n.args[1], false), n.args[2].map((a) => retype(a, false))] };
    case 'list':
      return { op: n.op, args: n.args.map((a) => retype(a, false)) };
    case 'map':
      return { op: n.op, args: n.args.map(([k, v]) => [retype(k, false), retype(v, false)]) };
    default:
      return { op: n.op, args: (n.args as readonly ASTNode[]).map((a) => retype(a, false)) };
  }
}

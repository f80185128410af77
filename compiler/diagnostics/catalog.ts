import type { Diagnostic, Related, Severity, Span } from './types.js';

/**
 * The message catalog: every diagnostic Sandforge can print. Codes are grouped by phase
 * (SF1 parse, SF2 validate, SF3 resolve, SF4 lower, SF5 emit, SF6 lint, SF7 runtime/host,
 * SF8 run-time violations, SF9 internal). docs/diagnostics.md is generated from this table
 * (`npm run gen:docs`) and a test checks that every code is documented and used.
 *
 * `message` is a template: `{name}` is replaced by the argument of that name.
 */
export interface CatalogEntry {
  severity: Severity;
  title: string;
  message: string;
  /** Why this is a problem and how to fix it; shown in docs/diagnostics.md. */
  doc: string;
}

export const catalog = {
  // ---- SF1xxx parse -------------------------------------------------------------------
  SF1001: { severity: 'error', title: 'YAML syntax error', message: '{detail}',
    doc: 'The file is not well-formed YAML (or JSON). The message names what the parser expected at that point.' },
  SF1002: { severity: 'error', title: 'duplicate key', message: 'duplicate key "{key}" (first defined on line {firstLine})',
    doc: 'A mapping has the same key twice. YAML parsers disagree about which one wins, so Sandforge refuses the file: keep one.' },
  SF1003: { severity: 'error', title: 'tab character in indentation', message: 'tab character used for indentation; YAML allows only spaces',
    doc: 'YAML forbids tabs in indentation. Replace them with spaces.' },
  SF1004: { severity: 'error', title: 'file is not UTF-8', message: 'invalid UTF-8 byte sequence at byte offset {offset}',
    doc: 'Policy files must be UTF-8. Re-save the file as UTF-8.' },
  SF1005: { severity: 'warning', title: 'byte order mark', message: 'file starts with a UTF-8 byte order mark; it is ignored',
    doc: 'A UTF-8 BOM carries no information and some tools mis-handle it. Save the file without it.' },
  SF1006: { severity: 'error', title: 'file too large', message: 'file is {size} bytes; policy files are limited to {limit} bytes',
    doc: 'Policy files are small by nature. The limit keeps parsing bounded in time and memory.' },
  SF1007: { severity: 'error', title: 'nesting too deep', message: 'nesting is deeper than {limit} levels',
    doc: 'Collections nested this deeply are never a real policy and could exhaust the parser. The limit keeps parsing bounded.' },
  SF1008: { severity: 'error', title: 'alias expansion too large', message: 'YAML aliases expand to more than {limit} nodes (possible "billion laughs" document)',
    doc: 'Anchors and aliases (`&a` / `*a`) may be used, but their expansion is bounded so that a small file cannot expand into a huge one.' },
  SF1009: { severity: 'error', title: 'policy is not a mapping', message: 'a policy must be a mapping of keys to values, not {found}',
    doc: 'The top level of a policy file is a mapping such as `version: 1`.' },
  SF1010: { severity: 'error', title: 'several documents', message: 'a second YAML document starts here; a policy file holds exactly one',
    doc: 'Remove the extra `---` separated documents, or put each policy in its own file.' },
  SF1011: { severity: 'error', title: 'unsupported YAML tag', message: 'YAML tag {tag} is not allowed in a policy',
    doc: 'Tags such as `!!binary` or custom `!tags` change how values are read. Policies use plain scalars, sequences and mappings only.' },
  SF1012: { severity: 'error', title: 'cannot read file', message: 'cannot read {path}: {reason}',
    doc: 'The file does not exist or cannot be read by the current user.' },
  SF1013: { severity: 'error', title: 'non-string key', message: 'mapping keys must be plain strings',
    doc: 'Every key in a policy is a name such as `network` or an environment variable name; complex or numeric keys are refused.' },
  SF1015: { severity: 'error', title: 'too many problems', message: '{count} more problems in this file are not shown; fix the ones above first',
    doc: 'A file with hundreds of problems is usually not a policy at all (or one broken early). Only the first 100 of each phase are reported, which keeps output and memory bounded.' },
  SF1014: { severity: 'error', title: 'undefined alias', message: 'alias *{name} refers to no anchor defined before it',
    doc: 'An alias must refer to an anchor (`&name`) that appears earlier in the file.' },

  // ---- SF2xxx schema / validate -------------------------------------------------------
  SF2001: { severity: 'error', title: 'missing required key', message: 'missing required key "{key}" in {where}',
    doc: 'The key is required (see docs/policy.md). Every policy needs `version` and `name`.' },
  SF2002: { severity: 'error', title: 'unknown key', message: 'unknown key "{key}" in {where}{suggestion}',
    doc: 'Unknown keys are errors, never ignored: a misspelt restriction would otherwise silently not apply.' },
  SF2003: { severity: 'error', title: 'wrong type', message: '{where} must be {expected}, not {found}',
    doc: 'The value has the wrong type, e.g. a string where a list is expected.' },
  SF2004: { severity: 'error', title: 'value not allowed', message: '{where} must be one of {allowed}, not {found}{suggestion}',
    doc: 'The value is not one of the values this key accepts.' },
  SF2005: { severity: 'error', title: 'invalid value', message: '{where}: {detail}',
    doc: 'The value does not have the expected form (e.g. a name with upper-case letters, an empty path).' },
  SF2006: { severity: 'error', title: 'invalid size', message: '{where}: "{found}" is not a size; write bytes as an integer or a number with a unit such as 512MiB, 1G, 100KB',
    doc: 'Sizes are integers (bytes) or a number followed by B, K, KiB, KB, M, MiB, MB, G, GiB, GB, T, TiB or TB. K/M/G/T and KiB/MiB/GiB/TiB are powers of 1024; KB/MB/GB/TB are powers of 1000.' },
  SF2007: { severity: 'error', title: 'invalid duration', message: '{where}: "{found}" is not a duration; write e.g. 30s, 10m, 1h or 1h30m',
    doc: 'Durations are an integer number of seconds or a sequence of number+unit with units ms, s, m, h (e.g. `90s`, `1h30m`).' },
  SF2008: { severity: 'error', title: 'value out of range', message: '{where} must be {limit}, not {found}',
    doc: 'The number is outside the range this key accepts.' },
  SF2009: { severity: 'error', title: 'duplicate list entry', message: '{where} lists the same value twice',
    doc: 'A list such as `env.pass` names each entry once.' },
  SF2010: { severity: 'error', title: 'unsupported policy version', message: 'policy version {found} is not supported; this compiler reads version 1',
    doc: 'Only `version: 1` exists. A newer policy needs a newer Sandforge.' },
  SF2011: { severity: 'error', title: 'host or cidr', message: '{where} must have exactly one of "host" or "cidr"',
    doc: 'Each `network.allow` entry names a destination either by domain name (`host`) or by address range (`cidr`).' },
  SF2012: { severity: 'error', title: 'invalid CIDR', message: '{where}: "{found}" is not an IPv4 or IPv6 address range ({detail})',
    doc: 'Address ranges are written `10.0.0.0/8`, `192.0.2.1/32`, `2001:db8::/32`; host bits must be zero.' },
  SF2013: { severity: 'error', title: 'allow list outside fetch mode', message: 'network.allow applies only when network.mode is fetch (here: {mode})',
    doc: 'In `offline` mode nothing leaves the sandbox and in `open` mode everything except denied ranges does, so an allow list would be misleading. Set `mode: fetch` or remove the list.' },
  SF2014: { severity: 'error', title: 'invalid path', message: '{where}: "{found}" {detail}',
    doc: 'Host paths are absolute (`/usr`), home-relative (`~/.cache`) or relative to the policy file (`./data`, `../src`). `deny` entries may also be globs (`**/.env`).' },
  SF2015: { severity: 'error', title: 'invalid syscall action', message: '{where}: "{found}" is not an action; use allow, errno(N), errno(NAME), kill-process, kill-thread, trap or log',
    doc: 'Seccomp actions are `allow`, `errno(EPERM)` / `errno(1)`, `kill-process`, `kill-thread`, `trap` and `log`.' },
  SF2016: { severity: 'error', title: 'invalid port', message: '{where}: "{found}" is not a port or port range (1-65535, e.g. 443 or "8000-8100")',
    doc: 'Ports are integers from 1 to 65535, or a string range `LOW-HIGH` with LOW ≤ HIGH.' },

  // ---- SF3xxx resolve ----------------------------------------------------------------
  SF3001: { severity: 'error', title: 'extended file not found', message: 'cannot extend "{target}": {reason}',
    doc: '`extends` names a built-in profile (agent, strict, build, none) or a file relative to the policy, such as `./base.yaml`.' },
  SF3002: { severity: 'error', title: 'unknown built-in profile', message: 'unknown built-in profile "{name}"{suggestion}; built-ins are {builtins}',
    doc: 'A bare name in `extends` refers to a built-in profile. Write a path starting with `./` or `../` for a file.' },
  SF3003: { severity: 'error', title: 'extends cycle', message: 'extends cycle: {chain}',
    doc: 'Policies extend each other in a loop. Each link of the loop is listed with its location; break one of them.' },
  SF3004: { severity: 'error', title: 'extends chain too long', message: 'extends chain is longer than {limit} policies',
    doc: 'Keep inheritance shallow; the limit keeps resolution bounded.' },
  SF3005: { severity: 'warning', title: 'workspace does not exist', message: 'workspace {path} does not exist',
    doc: 'The workspace is bound read-write into the sandbox and must exist when the sandbox starts.' },
  SF3006: { severity: 'error', title: 'path is both writable and read-only', message: '{path} is listed in filesystem.write and filesystem.read',
    doc: 'A host path is either read-only or writable. Remove it from one of the lists (write implies read).' },
  SF3100: { severity: 'warning', title: 'relative path does not exist', message: 'filesystem.{list} entry {path} does not exist next to the policy ({abs})',
    doc: 'A path written relative to the policy file (`./data`, `../src`) names part of the project, so it should exist when the policy is compiled: a typo here grants nothing. Absolute and `~/` paths are not checked (the bundle may be applied on another host; `~` is known only at apply time). See docs/paths.md.' },
  SF3101: { severity: 'warning', title: 'grant masked by deny', message: '{list} {path} is masked entirely by filesystem.deny entry {deny}; it grants nothing',
    doc: 'Deny always wins: a deny path or glob that covers the whole grant leaves nothing of it visible. Remove the grant, or narrow the deny entry. `sandforge check POLICY --read PATH` shows which entry decides for a path.' },
  SF3102: { severity: 'warning', title: 'redundant grant', message: '{path} is already {access} through {by}',
    doc: 'The path lies inside another grant with the same access (read inside read, write inside write or the workspace), so listing it changes nothing. A read-only path inside a writable one, or the reverse, is not reported: that overlap is how a read-only `./.git` inside the workspace is written.' },
  SF3200: { severity: 'error', title: 'unknown syscall', message: 'unknown syscall "{name}"{suggestion}',
    doc: 'Syscall names are checked against the kernel tables of every supported ABI (x86_64, i386, x32, aarch64; `compiler/syscalls/`). A name no ABI has is a typo or a syscall of an architecture Sandforge does not build filters for.' },
  SF3201: { severity: 'error', title: 'unknown syscall group', message: 'unknown syscall group "{name}"{suggestion}',
    doc: 'Names starting with `@` are groups of syscalls; docs/syscall-groups.md lists every group and its members.' },
  SF3202: { severity: 'error', title: 'seccomp profile not readable', message: 'cannot import seccomp profile {path}: {reason}',
    doc: '`syscalls.import` names an OCI/Docker or Firecracker seccomp profile, relative to the policy file. Firecracker profiles name the thread filter after `#`, e.g. `./fc.json#vmm`.' },
  SF3203: { severity: 'error', title: 'invalid seccomp profile', message: 'seccomp profile {path}: {detail}',
    doc: 'The imported profile is not a JSON seccomp profile Sandforge understands, or uses a feature it refuses (an action such as SCMP_ACT_TRACE or SCMP_ACT_NOTIFY, which need a tracer or supervisor outside the sandbox). docs/seccomp.md#import lists what is read and how.' },

  // ---- SF4xxx lower ------------------------------------------------------------------
  SF4001: { severity: 'error', title: 'memory limit too small', message: 'resources.memory of {found} bytes is below the minimum of {limit} bytes',
    doc: 'Below a few MiB nothing starts; the kernel would OOM-kill the first process. Raise the limit.' },
  SF4002: { severity: 'error', title: 'tmpfs path not absolute', message: 'filesystem.tmpfs entry "{found}" must be an absolute path inside the sandbox',
    doc: 'A tmpfs is mounted at a path inside the sandbox, such as `/tmp`.' },
  SF4003: { severity: 'error', title: 'workspace is the root or a system directory', message: 'workspace {path} would expose {what} read-write',
    doc: 'The workspace is bound read-write. Binding `/`, `/usr`, `/etc`, the home directory itself or similar would let the sandbox rewrite the host.' },
  SF4004: { severity: 'error', title: 'disk limit too small', message: 'resources.disk of {found} bytes is below the minimum of {limit} bytes',
    doc: 'The disk size bounds every tmpfs. A size of 0 would mean *unlimited* to the kernel (tmpfs(5)), so tiny values are refused.' },
  // SF4100–SF4139: `when:` conditions (compiler/2-validate/condition/).
  SF4100: { severity: 'error', title: 'condition syntax error', message: '{detail}',
    doc: 'A `when:` condition is not well-formed. Conditions use CEL syntax: `||`, `&&`, `!`, parentheses, `== != < <= > >=`, `args[N] in [A, B]`, `args[N].hasAny(F)`, `hasAll`, `hasNone`, `args[N].masked(M) == V`, `true`, `false`, integers and UPPER_SNAKE constants (docs/policy.md#conditions).' },
  SF4101: { severity: 'error', title: 'not supported in conditions', message: '{what} is not supported in a condition{suggestion}',
    doc: 'Conditions are a small subset of CEL that the kernel can check with BPF comparisons: no arithmetic, strings, floating point, `null`, the ternary operator, comments or functions other than hasAny, hasAll, hasNone and masked.' },
  SF4102: { severity: 'error', title: 'negative number in a condition', message: 'negative numbers are not allowed: syscall arguments are unsigned 64-bit values',
    doc: 'The kernel hands seccomp every argument as an unsigned 64-bit word (struct seccomp_data). Write the unsigned value: -1 is 0xffffffff for a 32-bit argument such as a file descriptor and 0xffffffffffffffff for a 64-bit one. Named constants that are negative in C (AT_FDCWD) already are.' },
  SF4103: { severity: 'error', title: 'integer too large', message: '{found} does not fit in 64 bits; the largest value is 0xffffffffffffffff',
    doc: 'Syscall arguments are 64-bit words, so no larger number can match.' },
  SF4104: { severity: 'error', title: 'integer needs the u suffix', message: '{found} is 2^63 or more: write it with the u suffix, as {fixed}',
    doc: 'As in CEL, a literal without a suffix is a signed 64-bit integer; 2^63 and above must be written as unsigned literals, e.g. `0x8000000000000000u`.' },
  SF4105: { severity: 'error', title: 'invalid number', message: '"{found}" is not an integer literal: {detail}',
    doc: 'Integers are decimal (`420`) or hexadecimal with a lower-case `0x` (`0x1a4`), optionally with a `u` suffix. A leading zero is refused because CEL has no octal literals: `0644` would silently mean six hundred and forty-four.' },
  SF4106: { severity: 'error', title: 'invalid argument reference', message: '{detail}',
    doc: 'Arguments are written `args[0]` to `args[5]` with a literal index: seccomp sees the six argument registers (struct seccomp_data.args[6]).' },
  SF4107: { severity: 'error', title: 'two arguments compared', message: 'this compares two arguments; a condition compares one argument with a constant',
    doc: 'Each test compares an argument with a constant (a number or a named constant), as seccomp filters built by libseccomp and OCI runtimes do.' },
  SF4108: { severity: 'error', title: 'two constants compared', message: 'this compares two constants, which does not depend on the syscall; compare an argument, e.g. args[0] {op} {value}',
    doc: 'A comparison needs an argument on one side (`args[N]` or `args[N].masked(M)`); a test of two constants is always true or always false and is most likely a mistake.' },
  SF4109: { severity: 'error', title: 'not a condition', message: '{what} is not a condition: {fix}',
    doc: 'A condition is true or false: a comparison, an `in` test, a flag test (hasAny, hasAll, hasNone), `true`, `false`, or such conditions joined with `&&`, `||` and `!`. An argument or number alone is not one; note that `!` applies to conditions, so write `!(args[0] == 1)` or `args[0] != 1`.' },
  SF4110: { severity: 'error', title: 'misplaced masked()', message: '{detail}',
    doc: '`args[N].masked(M)` is the value `args[N] & M`; it can only be compared (`args[2].masked(O_ACCMODE) == O_RDONLY`) or tested with `in`. Use hasAny, hasAll or hasNone on the argument itself for flag tests.' },
  SF4111: { severity: 'error', title: 'wrong number of operands', message: '{fn}() takes {expected}, not {found}',
    doc: '`hasAny`, `hasAll` and `hasNone` take one or more constants; `masked` takes exactly one.' },
  SF4112: { severity: 'error', title: 'condition nested too deeply', message: 'the condition nests deeper than {limit} levels',
    doc: 'Parentheses, lists and `!` nest at most 64 levels deep. The limit keeps checking bounded; real conditions are far shallower.' },
  SF4113: { severity: 'error', title: 'condition too long', message: 'the condition is {length} characters long; the limit is {limit}',
    doc: 'A condition is limited to 4096 characters. Split a long rule into several rules.' },
  SF4114: { severity: 'error', title: 'chained comparison', message: 'comparisons cannot be chained; join them with &&, as in args[0] > 1 && args[0] < 5',
    doc: 'CEL reads `1 < args[0] < 5` as `(1 < args[0]) < 5`, which compares a boolean with a number. Write two comparisons joined with `&&`.' },
  SF4115: { severity: 'error', title: 'invalid in list', message: '{detail}',
    doc: '`args[N] in [A, B, …]` takes a list literal of one or more constants after `in`.' },
  SF4116: { severity: 'error', title: 'unknown name', message: '"{name}" is neither args nor a named constant (constants are UPPER_SNAKE_CASE){suggestion}',
    doc: 'The only lower-case name in a condition is `args`; constants such as `AF_UNIX` or `O_RDONLY` are written in upper case, as in the C headers.' },
  SF4117: { severity: 'error', title: 'condition used as a value', message: '{what} is a condition, not a value: use it on its own, negate it with !, or join it with && and ||',
    doc: 'Comparisons, flag tests and `true`/`false` are true or false; they cannot be compared again (`args[0].hasAny(X) == true` is just `args[0].hasAny(X)`).' },
  SF4120: { severity: 'error', title: 'unknown constant', message: 'unknown constant "{name}" for {abi}{suggestion}',
    doc: 'Named constants come from the kernel UAPI headers of each ABI (`compiler/syscalls/`). Some differ between architectures (O_DIRECTORY is 0x10000 on x86_64 but 0x4000 on aarch64), so a name is checked for every ABI the rule\'s syscalls exist on.' },
  SF4121: { severity: 'error', title: 'no such argument', message: '{syscall} takes {count}; args[{index}] is not one of them',
    doc: 'The argument index must be below the syscall\'s argument count (see its man page): the registers beyond it hold leftovers from user space, so a test on them could be steered by the caller.' },
  SF4122: { severity: 'error', title: 'value does not fit a 32-bit argument', message: '{role} {value} has bits above the low 32, but args[{index}] of {syscall} is a 32-bit argument: only its low word is compared',
    doc: 'Arguments the kernel defines as 32-bit (file descriptors, socket domains, flags of type int) are compared on their low word only, because the upper half of the register is not cleared by user space and the kernel ignores it (this is why a full 64-bit compare could be bypassed). A value with higher bits could therefore never match; docs/seccomp.md lists the width of every argument.' },
  SF4123: { severity: 'warning', title: 'masked comparison is constant', message: 'args[{index}].masked({mask}) {op} {value} is always {result}: {value} has bits outside the mask',
    doc: '`args[N].masked(M) == V` can only hold when V has no bit outside M. The test is kept (with its constant result) but is most likely a mistake, such as a mask and value swapped.' },
  SF4150: { severity: 'error', title: 'seccomp program too large', message: 'the {arch} seccomp program needs {count} instructions; the kernel accepts at most {limit}',
    doc: 'A seccomp filter holds at most 4096 BPF instructions (BPF_MAXINSNS). Group syscalls with the same verdict, simplify conditions, or split rules that repeat the same condition over many syscalls.' },
  SF4151: { severity: 'error', title: 'unconditional allow misses the action cache', message: '{syscall} ({abi} #{nr}) is allowed unconditionally but the program does not decide it from the syscall number alone',
    doc: 'Since Linux 5.11 the kernel caches the verdict of syscalls a filter allows without looking at their arguments (kernel/seccomp.c, seccomp_is_const_allow), so they cost nothing after the first call. The compiler proves every unconditional allow is eligible and refuses a program that is not: this is a compiler bug, please report it.' },

  // ---- SF5xxx emit -------------------------------------------------------------------
  SF5001: { severity: 'error', title: 'artifact too large', message: 'artifact {artifact} is {size} bytes, over the limit of {limit} bytes',
    doc: 'An emitted artifact grew past its bound, which indicates a policy far outside normal use.' },
  SF5100: { severity: 'error', title: 'conditions do not fit an OCI profile', message: 'the conditions of {syscalls} cannot be written as an OCI seccomp profile (too many entries)',
    doc: 'seccomp/oci.json states, for each action, exactly when a syscall gets it, with libseccomp masked-equality tests (docs/seccomp.md#oci). Ordered rules with many negated or range conditions multiply into too many entries. Simplify the conditions (prefer `in [..]`, `hasAny`/`hasNone` and `masked(..) ==`) or split the rule.' },

  // ---- SF6xxx lint warnings ----------------------------------------------------------
  SF6001: { severity: 'warning', title: 'network open', message: 'network.mode is open: the sandbox can reach any host except denied ranges',
    doc: 'Open mode lets code exfiltrate data anywhere. Prefer `fetch` with an allow list of the hosts the task needs.' },
  SF6002: { severity: 'warning', title: 'writable path outside the workspace', message: '{path} is writable and outside the workspace',
    doc: 'Writes outside the workspace can plant files that run later on the host (shell rc files, caches, hooks). Keep writes in the workspace or a tmpfs.' },
  SF6003: { severity: 'warning', title: 'secrets readable', message: '{path} is readable inside the sandbox and may hold secrets ({what}); add it to filesystem.deny',
    doc: 'Credentials such as ~/.ssh, ~/.aws, ~/.gnupg, ~/.kube, ~/.docker/config.json and .env files should be masked with `filesystem.deny`.' },
  SF6004: { severity: 'warning', title: 'syscalls allowed by default', message: 'syscalls.default is {action}: every syscall not denied runs',
    doc: 'A deny-list filter misses new and obscure syscalls. `log` only records the call and lets it run, like `allow`. Use `default: errno(EPERM)` with an allow list.' },
  SF6005: { severity: 'warning', title: 'no timeout', message: 'resources.timeout is not set: a runaway task runs forever',
    doc: 'Set `resources.timeout` (e.g. `30m`) so a stuck or looping agent is stopped.' },
  SF6006: { severity: 'warning', title: 'suppression without a reason', message: 'sandforge-ignore {code} needs a reason: write "# sandforge-ignore {code}: why"',
    doc: 'Every suppressed warning must say why, so a reviewer can judge it. A suppression without a reason has no effect.' },
  SF6007: { severity: 'warning', title: 'capabilities granted', message: 'process.capabilities grants {caps}',
    doc: 'Capabilities widen the kernel attack surface reachable from the sandbox. Grant them only when the task truly needs them.' },
  SF6008: { severity: 'warning', title: 'wide network allow', message: '{cidr} allows {what}',
    doc: 'An allow entry covering a whole address family (or most of it) makes fetch mode equivalent to open mode.' },
  SF6009: { severity: 'warning', title: 'unused suppression', message: 'sandforge-ignore {code} suppresses nothing on this line or the next',
    doc: 'Remove suppressions that no longer apply, so that they cannot hide a future warning.' },
  SF6010: { severity: 'warning', title: 'runs as root inside', message: 'process.user is 0: the command runs as root inside the sandbox',
    doc: 'Root inside a user namespace is still more exposed to kernel bugs. Use an unprivileged uid unless the task needs root.' },

  // ---- SF7xxx runtime / host ---------------------------------------------------------
  SF7001: { severity: 'error', title: 'bundle hash mismatch', message: '{artifact}: sha256 is {actual}, manifest says {expected}',
    doc: 'The bundle was modified after it was compiled. Recompile it; never edit a bundle by hand.' },
  SF7002: { severity: 'error', title: 'unsupported bundle format', message: 'bundle format is {found}; this Sandforge reads {expected}',
    doc: 'The bundle was written by another version of the compiler. Recompile the policy with this version.' },
  SF7003: { severity: 'error', title: 'bundle artifact missing', message: '{artifact} is listed in the manifest but missing',
    doc: 'A file of the bundle was deleted. Recompile the policy.' },
  SF7004: { severity: 'error', title: 'unlisted file in bundle', message: '{artifact} is in the bundle directory but not in the manifest',
    doc: 'A bundle holds exactly the files its manifest lists, so nothing unverified can be read at apply time.' },
  SF7005: { severity: 'error', title: 'bad manifest', message: 'manifest.json {detail}',
    doc: 'The manifest is missing, not JSON, or lacks required fields.' },
  SF7006: { severity: 'error', title: 'cannot write bundle', message: 'cannot write {path}: {reason}',
    doc: 'The output directory cannot be created or written.' },
  SF7007: { severity: 'error', title: 'output directory is not a bundle', message: '{path} exists and is not a Sandforge bundle; refusing to overwrite it',
    doc: '`compile -o DIR` replaces an existing bundle but never a directory that holds other files.' },
  SF7008: { severity: 'warning', title: 'system package missing', message: 'system package {pkg} is missing ({why}); install it with: {command}',
    doc: 'A Debian/Ubuntu package needed for some features is not installed. `sandforge doctor` lists them all.' },
  SF7100: { severity: 'error', title: 'unusable path root', message: 'cannot use {root} as the root: {reason}',
    doc: '`sandforge path resolve --root DIR` resolves paths below DIR, which must exist and be a directory. The root itself is resolved like any host path (symlinks followed); /proc magic links are refused there too.' },
  SF7101: { severity: 'error', title: 'system error while resolving a path', message: 'cannot resolve {path}: {code}',
    doc: 'Resolving the path met an error that says nothing about the path itself, such as EACCES on a directory the caller may not search, or EIO. The command stops there rather than report a wrong outcome. Run it as a user who can read the tree.' },

  // ---- SF9xxx internal ---------------------------------------------------------------
  SF9001: { severity: 'error', title: 'internal error', message: 'internal error: {detail}',
    doc: 'A bug in Sandforge. Please report it with the policy that triggers it.' },
  SF9002: { severity: 'error', title: 'invalid intermediate representation', message: 'the compiled policy failed its own validation at {where}: {detail}',
    doc: 'A bug in Sandforge: a phase produced data the next phase does not accept. Please report it.' },
} as const satisfies Record<string, CatalogEntry>;

export type Code = keyof typeof catalog;

export function render(template: string, args: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_m, k: string) => (k in args ? String(args[k]) : `{${k}}`));
}

/** Build a diagnostic from the catalog. */
export function diag(
  code: Code,
  args: Record<string, string | number>,
  span?: Span,
  extra?: { hint?: string; related?: Related[] },
): Diagnostic {
  const entry: CatalogEntry = catalog[code];
  const d: Diagnostic = { code, severity: entry.severity, message: render(entry.message, args) };
  if (span) d.span = span;
  if (extra?.hint) d.hint = extra.hint;
  if (extra?.related && extra.related.length > 0) d.related = extra.related;
  return d;
}

export function docsAnchor(code: string): string {
  return `docs/diagnostics.md#${code.toLowerCase()}`;
}


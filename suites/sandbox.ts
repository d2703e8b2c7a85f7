/**
 * What only a Lambda-like sandbox can show (container driver): the memory limit, a /tmp of fixed
 * size, a read-only filesystem outside /tmp, an unprivileged user. Under the process driver these
 * scenarios are skipped with the reason.
 */
import { randomUUID } from 'node:crypto';
import { BootspecError, ErrorCodes } from '../harness/errors.ts';
import type { ScenarioContext } from '../harness/suite/context.ts';
import { describeOutcome, processFailed } from '../harness/suite/checks.ts';
import { COVERED } from '../harness/suite/verify.ts';
import { area, scenario } from '../harness/suite/define.ts';
import type { ExecutionEnvironment } from '../harness/invoke/execution-environment.ts';

const FUNCTION_UID = 993;
const MiB = 1024 * 1024;

/** A fact about the sandbox the harness relies on did not hold: a harness error, never the runtime's fault. */
function sandboxBroken(message: string): BootspecError {
  return new BootspecError(ErrorCodes.DRIVER_START_FAILED, `the sandbox is not as Lambda's: ${message}`, {
    hint: 'a harness defect: check the container driver (harness/drivers/container*.ts) and docker/ against docs/requirements.md#sandbox',
  });
}

/** Tries a write as the function user in each folder: "<folder> writable|refused". */
const TRY_WRITES = `for d in /var/task /opt / /var/runtime /etc /tmp; do
  if (: > "$d/.bootspec-write") 2>/dev/null; then rm -f "$d/.bootspec-write"; echo "$d writable"; else echo "$d refused"; fi
done`;

/**
 * "pid uid name nofile=N nproc=N" for every non-root process: the runtime's, not the sandbox's own
 * (its init and lifeline run as root). Plain sh, so it works on any base image.
 */
const LIST_PROCESSES = `for d in /proc/[0-9]*; do
  n=; u=
  while read -r k v _; do case $k in Name:) n=$v ;; Uid:) u=$v ;; esac; done < "$d/status"
  [ "$u" = 0 ] && continue
  lim=$(while read -r a b c e _; do case "$a $b" in "Max open") echo "nofile=$e" ;; "Max processes") echo "nproc=$c" ;; esac; done < "$d/limits")
  echo "\${d#/proc/} $u $n" $lim
done 2>/dev/null`;

async function sh(t: ScenarioContext, env: ExecutionEnvironment, script: string, user: 'function' | 'root' = 'function'): Promise<string> {
  const r = await t.sandboxExec(env, ['/bin/sh', '-c', script], user);
  return r.stdout.trim();
}

export default area('sandbox', 'The Lambda sandbox (container driver)', [
  scenario(
    {
      id: 'sandbox.memory.within-limit',
      level: 'MUST',
      needsDriver: 'container',
      title: 'Can use the memory it is given',
      requirement:
        'A function can use the memory it is configured with: at 512 MB a handler that allocates and touches 256 MB succeeds (the runtime neither caps itself far below AWS_LAMBDA_FUNCTION_MEMORY_SIZE nor needs most of it for itself).',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment({ memoryMb: 512, timeoutS: 15 });
      await t.given(env, { probe: 'echo', value: 'before' });
      const r = await t.probe(env, { probe: 'memory', mb: 256 });
      t.check(r.outcome === 'success', {
        message: 'allocating half of the function memory failed',
        expected: 'success: {"allocatedMb":256} within 512 MB',
        actual: describeOutcome(r),
      });
      t.note(`256 MB allocated in a 512 MB function (Max Memory Used ${r.maxMemoryUsedMb ?? '?'} MB)`);
    },
  ),
  scenario(
    {
      id: 'sandbox.memory.out-of-memory',
      level: 'MUST',
      needsDriver: 'container',
      title: 'Recovers after running out of memory',
      requirement:
        'A handler that allocates past the memory size is stopped, by the kernel at the limit (Runtime.OutOfMemory) or by the runtime (a function error), never left hanging; the environment is reset and the next invocation succeeds.',
      timeoutMs: 60_000,
    },
    async (t: ScenarioContext) => {
      const env = await t.environment({ memoryMb: 128, timeoutS: 15 });
      await t.given(env, { probe: 'echo', value: 'before' });
      const big = await t.probe(env, { probe: 'memory', mb: 256 });
      t.check(big.outcome !== 'success', {
        message: 'a 256 MB allocation succeeded in a 128 MB function: the probe did not touch the memory it allocated',
        expected: 'Runtime.OutOfMemory, or a function error from the runtime',
        actual: describeOutcome(big),
      });
      t.check(big.outcome !== 'timeout', {
        message: 'the runtime hung when it ran out of memory',
        expected: 'Runtime.OutOfMemory, or a function error from the runtime',
        actual: describeOutcome(big),
      });
      if (big.outcome === 'runtime-exit' && big.errorType !== 'Runtime.OutOfMemory') {
        t.fail({ message: 'the runtime died while allocating, but not at the memory limit', expected: 'Runtime.OutOfMemory', actual: describeOutcome(big) });
      }
      const after = await t.probe(env, { probe: 'echo', value: 'after out-of-memory' });
      // Starting again after the process died is lifecycle.exit-reinit's subject.
      if (processFailed(big)) t.pre.that(after.outcome === 'success', { message: 'the runtime did not start again after it was killed', expected: 'a fresh process that serves the invocation', actual: describeOutcome(after), records: [big, after] }, COVERED.exitReinit);
      t.check(after.outcome === 'success', {
        message: 'the environment did not serve again after running out of memory',
        expected: processFailed(big) ? 'a fresh runtime process (suppressed init) that serves the invocation' : 'the runtime serves the next invocation',
        actual: describeOutcome(after),
        records: [big, after],
      });
      t.note(
        big.errorType === 'Runtime.OutOfMemory'
          ? `killed at the limit: Runtime.OutOfMemory, Max Memory Used ${big.maxMemoryUsedMb ?? '?'} MB of 128 MB; the next invocation re-initialised`
          : `the runtime reported it as a function error (${big.errorType}); the next invocation succeeded`,
      );
    },
  ),
  scenario(
    {
      id: 'sandbox.tmp.full',
      // SHOULD: the platform guarantees the write fails inside the sandbox; that the runtime itself
      // keeps working without /tmp space is robustness the Lambda contract does not state.
      level: 'SHOULD',
      needsDriver: 'container',
      title: 'A full /tmp fails the write, not the runtime',
      requirement:
        '/tmp holds the ephemeral storage size (512 MB by default) and no more: when it is full, a write fails inside the function as a function error; the runtime should keep running and serve again once space is freed.',
      timeoutMs: 90_000,
    },
    async (t: ScenarioContext) => {
      const sizeMb = t.target.container?.ephemeralStorageMb ?? 512;
      // tmpfs pages count against the container's memory (on Lambda /tmp is a disk): leave room for the runtime
      const env = await t.environment({ memoryMb: Math.min(10_240, sizeMb + 512), timeoutS: 10 });
      await t.given(env, { probe: 'tmp', file: `bootspec-${randomUUID()}` });
      const filled = Number(await sh(t, env, 'dd if=/dev/zero of=/tmp/.bootspec-fill bs=1048576 2>/dev/null; wc -c < /tmp/.bootspec-fill'));
      if (!(filled > (sizeMb - 2) * MiB && filled <= sizeMb * MiB)) throw sandboxBroken(`filling /tmp stopped at ${filled} bytes, not at its ${sizeMb} MB`);
      const full = await t.probe(env, { probe: 'tmp', file: `bootspec-${randomUUID()}` });
      t.check(full.outcome === 'function-error', {
        message: full.outcome === 'success' ? 'a write to a full /tmp reported success' : 'a write to a full /tmp did not end as a function error',
        expected: 'a function error (ENOSPC: no space left on device) from the handler',
        actual: describeOutcome(full),
      });
      await sh(t, env, 'rm -f /tmp/.bootspec-fill');
      const after = await t.probe(env, { probe: 'tmp', file: `bootspec-${randomUUID()}` });
      t.check(after.outcome === 'success', {
        message: 'the runtime did not serve again after /tmp was freed',
        expected: 'success: {"lines":1}',
        actual: describeOutcome(after),
        records: [full, after],
      });
      t.note(`/tmp took ${Math.round(filled / MiB)} MB, then the write failed inside the function (${full.errorType}); the host's disk was not touched`);
    },
  ),
  scenario(
    {
      id: 'sandbox.fs.read-only',
      level: 'MUST',
      needsDriver: 'container',
      title: 'Runs with only /tmp writable',
      requirement:
        'The runtime starts and serves with /var/task, /opt and the rest of the filesystem read-only and only /tmp writable: it must not write caches, lock files or logs next to its code or anywhere outside /tmp.',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      const r = await t.probe(env, { probe: 'echo', value: 'read-only' });
      t.check(r.outcome === 'success', {
        message: 'the runtime did not serve with a read-only filesystem outside /tmp',
        expected: 'success',
        actual: describeOutcome(r),
      });
      const tried = await sh(t, env, TRY_WRITES);
      const writable = tried.split('\n').filter((l) => l.endsWith(' writable')).map((l) => l.split(' ')[0]);
      if (writable.join() !== '/tmp') throw sandboxBroken(`the function user can write to ${writable.join(', ') || 'nothing'} (only /tmp expected)`);
      const tmp = await t.probe(env, { probe: 'tmp', file: `bootspec-${randomUUID()}` });
      t.check(tmp.outcome === 'success', { message: 'the handler could not write to /tmp', expected: 'success: {"lines":1}', actual: describeOutcome(tmp) });
      t.note('served with writes refused in /var/task, /opt, /, /var/runtime and /etc (read-only file system)');
    },
  ),
  scenario(
    {
      id: 'sandbox.user.non-root',
      level: 'MUST',
      needsDriver: 'container',
      title: 'Runs as an unprivileged user',
      requirement:
        'The runtime runs as Lambda\'s unprivileged function user (sbx_user1051, uid 993), who owns nothing in /var/task, within 1,024 open files and 1,024 processes: it must not need root, write access to its own code, or a bootstrap only its owner may execute.',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      const file = `bootspec-${randomUUID()}`;
      const r = await t.probe(env, { probe: 'tmp', file });
      t.check(r.outcome === 'success', {
        message: 'the runtime did not serve as an unprivileged user',
        expected: 'success: {"lines":1}',
        actual: describeOutcome(r),
      });
      const ps = await sh(t, env, LIST_PROCESSES, 'root');
      const owner = await sh(t, env, `stat -c %u /tmp/${file} 2>/dev/null || ls -ln /tmp/${file} | while read -r m l u _; do echo "$u"; done`, 'root');
      // the runtime may be gone already (one that exits after each invocation): the file still tells
      const procs = ps.split('\n').filter(Boolean);
      if (Number(owner) !== FUNCTION_UID || procs.some((l) => l.split(' ')[1] !== String(FUNCTION_UID))) {
        throw sandboxBroken(`the runtime's processes or files are not the function user's (uid ${FUNCTION_UID}): file owner ${owner}; processes ${procs.join('; ')}`);
      }
      const seen = procs.map((l) => l.split(' ').slice(2).join(' ').trim()).join('; ');
      t.note(`served as uid ${FUNCTION_UID} (sbx_user1051)${seen ? `: ${seen}` : ''}`);
    },
  ),
]);

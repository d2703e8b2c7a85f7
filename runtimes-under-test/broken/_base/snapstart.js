'use strict';
// SnapStart restore for bootspec's known-bad runtimes (docs/probe-contract.md#restore-controls), done
// the way awslambdaric 4.2.2 does it (awslambdaric/bootstrap.py, on_init_complete): before-snapshot
// hooks (newest first), GET /runtime/restore/next, after-restore hooks (in order), then /next. A
// before-snapshot failure is an init error (Runtime.BeforeSnapshotError); an after-restore failure is
// posted to /runtime/restore/error (Runtime.AfterRestoreError). Node has no standard hook registry:
// this runtime offers one on globalThis, and the probe registers its hooks there while it loads.
// Every deviation is a branch marked `// DEFECT <name>` (defects.js).

const { defect } = require('./defects.js');

const REGISTRY = Symbol.for('bootspec.snapshot-hooks');

/** The hook registry, made before the function loads so its init code can register hooks. */
function registry() {
  globalThis[REGISTRY] ??= { beforeSnapshot: [], afterRestore: [] };
  return globalThis[REGISTRY];
}

async function runHooks(hooks) {
  for (const hook of hooks) await hook();
}

/**
 * The restore flow, when AWS_LAMBDA_INITIALIZATION_TYPE is snap-start. `api` is the runtime's:
 * { call, post, postInitError, errorRequest, jsonBody, log, fatal }.
 */
async function restore(api) {
  const hooks = registry();
  // DEFECT restore-hooks-out-of-order: the after-restore hooks run before restore/next (its error,
  // if any, is still reported through /restore/error once restored).
  let earlyError;
  if (defect === 'restore-hooks-out-of-order') {
    try {
      await runHooks(hooks.afterRestore);
    } catch (err) {
      earlyError = err;
    }
  }
  try {
    await runHooks([...hooks.beforeSnapshot].reverse());
  } catch (err) {
    // DEFECT before-snapshot-error-ignored: logs the failure and takes the snapshot anyway.
    if (defect === 'before-snapshot-error-ignored') {
      api.log(`before-snapshot hook failed, carrying on: ${api.errorRequest(err).errorMessage}`);
    } else {
      await api.postInitError(err, 'Runtime.BeforeSnapshotError');
      process.exit(64);
    }
  }
  const res = await api.call('GET', '/runtime/restore/next', {}, undefined, 3);
  if (res.status !== 200) api.fatal(`GET /runtime/restore/next answered ${res.status}`);
  try {
    if (defect === 'restore-hooks-out-of-order') {
      if (earlyError !== undefined) throw earlyError;
    } else {
      await runHooks(hooks.afterRestore);
    }
  } catch (err) {
    const body = api.errorRequest(err);
    api.log(`after-restore hook failed: ${body.errorType}: ${body.errorMessage}`);
    // DEFECT after-restore-error-to-init-error: reports the failure as an init error (403 there).
    if (defect === 'after-restore-error-to-init-error') await api.postInitError(err);
    else await api.post('POST /runtime/restore/error', '/runtime/restore/error', { 'Content-Type': 'application/json', 'Lambda-Runtime-Function-Error-Type': 'Runtime.AfterRestoreError' }, api.jsonBody(body));
    process.exit(65);
  }
  // DEFECT exits-after-restore: takes the end of its restore for the end of its work, and exits.
  if (defect === 'exits-after-restore') {
    api.log('restored; exiting');
    process.exit(0);
  }
}

module.exports = { registry, restore };

//! The probe's SnapStart hooks (docs/probe-contract.md#restore-controls): one
//! `SnapStartResource` registered with `Runtime::register_snapstart_resource`
//! (lambda_runtime 1.5.0 src/snapstart.rs), which the runtime runs when
//! `AWS_LAMBDA_INITIALIZATION_TYPE=snap-start`. Each hook records when it ran
//! (the `restore-hooks` op), then does what `PROBE_RESTORE` says.

use lambda_runtime::{BoxFuture, Error, SnapStartResource};
use serde_json::{json, Value};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

static HOOKS: Mutex<Vec<Value>> = Mutex::new(Vec::new());

#[derive(Debug)]
struct ProbeSnapshotError;

impl std::fmt::Display for ProbeSnapshotError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("probe before-snapshot failure")
    }
}

impl std::error::Error for ProbeSnapshotError {}

#[derive(Debug)]
struct ProbeRestoreError;

impl std::fmt::Display for ProbeRestoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("probe after-restore failure")
    }
}

impl std::error::Error for ProbeRestoreError {}

fn record(hook: &str) {
    let at = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0);
    if let Ok(mut hooks) = HOOKS.lock() {
        hooks.push(json!({"hook": hook, "at": at}));
    }
}

/// True when the environment is a SnapStart one (the runtime runs the hooks only then).
pub fn enabled() -> bool {
    std::env::var("AWS_LAMBDA_INITIALIZATION_TYPE").as_deref() == Ok("snap-start")
}

/// The answer of the `restore-hooks` op: the hooks that ran, in order.
pub fn hooks_answer() -> Value {
    let hooks = HOOKS.lock().map(|h| h.clone()).unwrap_or_default();
    json!({ "hooks": hooks })
}

pub struct ProbeHooks {
    control: String,
}

impl ProbeHooks {
    pub fn from_env() -> Self {
        ProbeHooks {
            control: std::env::var("PROBE_RESTORE").unwrap_or_default(),
        }
    }
}

impl SnapStartResource for ProbeHooks {
    fn before_snapshot(&self) -> BoxFuture<'_, Result<(), Error>> {
        Box::pin(async move {
            record("before-snapshot");
            if self.control == "before-fail" {
                return Err(ProbeSnapshotError.into());
            }
            Ok(())
        })
    }

    fn after_restore(&self) -> BoxFuture<'_, Result<(), Error>> {
        Box::pin(async move {
            record("after-restore");
            if self.control == "fail" {
                return Err(ProbeRestoreError.into());
            }
            Ok(())
        })
    }
}

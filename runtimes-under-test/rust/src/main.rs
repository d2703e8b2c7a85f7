//! bootspec probe function (docs/probe-contract.md, probe v1) on the `lambda_runtime` crate.
//!
//! Written the way a user writes a Rust Lambda function: `#[tokio::main]`,
//! `tracing::init_default_subscriber()`, `lambda_runtime::run(service_fn(handler))`, or
//! `lambda_runtime::run_concurrent` on Lambda Managed Instances.
//! Everything the suite judges (error bodies, `_X_AMZN_TRACE_ID`, context values)
//! comes from the runtime client; the probe only reports what it sees.

mod snapstart;
mod stream;

use lambda_runtime::{service_fn, Diagnostic, Error, FunctionResponse, LambdaEvent};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Module-level state created at init (`counter` op).
static COUNT: AtomicU64 = AtomicU64::new(0);
static INIT_ID: OnceLock<String> = OnceLock::new();

/// The error the probe raises during init for `PROBE_INIT=fail`.
#[derive(Debug)]
struct ProbeInitError {
    message: String,
}

impl std::fmt::Display for ProbeInitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ProbeInitError: {}", self.message)
    }
}

impl std::error::Error for ProbeInitError {}

fn random_id() -> String {
    let mut buf = [0u8; 16];
    let ok = std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut buf))
        .is_ok();
    if !ok {
        // Fallback: std's per-process random hash keys mixed with time and pid.
        use std::collections::hash_map::RandomState;
        use std::hash::{BuildHasher, Hasher};
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        for (i, chunk) in buf.chunks_mut(8).enumerate() {
            let mut h = RandomState::new().build_hasher();
            h.write_u128(nanos);
            h.write_u32(std::process::id());
            h.write_usize(i);
            chunk.copy_from_slice(&h.finish().to_le_bytes());
        }
    }
    hex(&buf)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn handler_error(error_type: &str, message: impl Into<String>) -> Diagnostic {
    Diagnostic {
        error_type: error_type.to_string(),
        error_message: message.into(),
    }
}

fn str_field<'a>(event: &'a Value, name: &str) -> &'a str {
    event.get(name).and_then(Value::as_str).unwrap_or("")
}

fn num_field(event: &Value, name: &str) -> u64 {
    event.get(name).and_then(Value::as_u64).unwrap_or(0)
}

fn env_opt(name: &str) -> Value {
    match std::env::var_os(name) {
        Some(v) => Value::String(v.to_string_lossy().into_owned()),
        None => Value::Null,
    }
}

fn context_answer(ctx: &lambda_runtime::Context) -> Value {
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    let cfg = &ctx.env_config;
    json!({
        "requestId": ctx.request_id,
        "functionArn": ctx.invoked_function_arn,
        "functionName": cfg.function_name,
        "functionVersion": cfg.version,
        "memoryLimitMb": cfg.memory,
        "logGroupName": cfg.log_group,
        "logStreamName": cfg.log_stream,
        "remainingMs": ctx.deadline as i64 - now_ms,
        // serialised as the crate's own structs (ClientContext / CognitoIdentity)
        "clientContext": serde_json::to_value(&ctx.client_context).unwrap_or(Value::Null),
        "identity": serde_json::to_value(&ctx.identity).unwrap_or(Value::Null),
        // the process environment as the runtime client left it for this invoke
        "traceEnv": env_opt("_X_AMZN_TRACE_ID"),
        "tenantId": ctx.tenant_id,
    })
}

/// The one handler (a compiled binary has no `_HANDLER` to pick a second one by): `stream`
/// answers with a stream, every other op with a buffered JSON value.
async fn handler(event: LambdaEvent<Value>) -> Result<stream::ProbeResponse, Diagnostic> {
    if str_field(&event.payload, "probe") == "stream" {
        return stream::stream_op(&event.payload);
    }
    buffered(event).await.map(FunctionResponse::BufferedResponse)
}

async fn buffered(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let (ev, ctx) = event.into_parts();
    let op = str_field(&ev, "probe").to_string();
    match op.as_str() {
        "echo" => Ok(ev.get("value").cloned().unwrap_or(Value::Null)),
        "digest" => {
            let value = str_field(&ev, "value");
            let sum = Sha256::digest(value.as_bytes());
            Ok(json!({"utf8Bytes": value.len(), "sha256": hex(&sum)}))
        }
        "bytes" => Ok(Value::String("x".repeat(num_field(&ev, "size") as usize))),
        "context" => {
            // sleepMs: wait first (without holding the worker), then read what this invocation sees
            let ms = num_field(&ev, "sleepMs");
            if ms > 0 {
                tokio::time::sleep(Duration::from_millis(ms)).await;
            }
            Ok(context_answer(&ctx))
        }
        "env" => match ev.get("names").and_then(Value::as_array) {
            Some(names) => {
                let mut out = Map::new();
                for n in names.iter().filter_map(Value::as_str) {
                    out.insert(n.to_string(), env_opt(n));
                }
                Ok(Value::Object(out))
            }
            None => {
                let mut out = Map::new();
                for (k, v) in std::env::vars_os() {
                    out.insert(
                        k.to_string_lossy().into_owned(),
                        Value::String(v.to_string_lossy().into_owned()),
                    );
                }
                Ok(Value::Object(out))
            }
        },
        "throw" => Err(handler_error(str_field(&ev, "errorType"), str_field(&ev, "message"))),
        "sleep" => {
            let ms = num_field(&ev, "ms");
            tokio::time::sleep(Duration::from_millis(ms)).await;
            Ok(json!({"sleptMs": ms}))
        }
        "restore-hooks" => Ok(snapstart::hooks_answer()),
        "counter" => {
            let n = COUNT.fetch_add(1, Ordering::SeqCst) + 1;
            Ok(json!({"count": n, "pid": std::process::id(), "initId": INIT_ID.get()}))
        }
        "tmp" => {
            let file = str_field(&ev, "file");
            let path = format!("/tmp/{file}");
            let res = (|| -> std::io::Result<usize> {
                let mut f = std::fs::OpenOptions::new().create(true).append(true).open(&path)?;
                writeln!(f, "line pid={} requestId={}", std::process::id(), ctx.request_id)?;
                drop(f);
                let content = std::fs::read(&path)?;
                Ok(content.iter().filter(|&&b| b == b'\n').count())
            })();
            match res {
                Ok(lines) => Ok(json!({"lines": lines})),
                Err(e) => Err(handler_error("ProbeTmpError", e.to_string())),
            }
        }
        "file" => match std::fs::read_to_string(str_field(&ev, "path")) {
            Ok(text) => Ok(json!({"text": text})),
            Err(e) => Err(handler_error("ProbeFileError", e.to_string())),
        },
        "log" => {
            let mut n = 0;
            {
                let mut out = std::io::stdout().lock();
                for line in ev.get("stdout").and_then(Value::as_array).into_iter().flatten() {
                    let _ = writeln!(out, "{}", line.as_str().unwrap_or_default());
                    n += 1;
                }
                let _ = out.flush();
            }
            {
                let mut err = std::io::stderr().lock();
                for line in ev.get("stderr").and_then(Value::as_array).into_iter().flatten() {
                    let _ = writeln!(err, "{}", line.as_str().unwrap_or_default());
                    n += 1;
                }
                let _ = err.flush();
            }
            Ok(json!({"logged": n}))
        }
        "exit" => {
            let _ = std::io::stdout().flush();
            std::process::exit(ev.get("code").and_then(Value::as_i64).unwrap_or(0) as i32)
        }
        "memory" => {
            let mb = num_field(&ev, "mb");
            let mut buf: Vec<u8> = Vec::with_capacity((mb as usize) << 20);
            // touch every byte so the pages are really resident
            buf.resize((mb as usize) << 20, 1);
            for i in (0..buf.len()).step_by(4096) {
                buf[i] = (i & 0xff) as u8;
            }
            std::hint::black_box(&buf);
            let answer = json!({"allocatedMb": mb});
            drop(buf);
            Ok(answer)
        }
        other => Err(handler_error("ProbeUnknownOp", format!("unknown probe op: {other:?}"))),
    }
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();

    // ---- init ("module load"): the PROBE_INIT controls ----
    INIT_ID.get_or_init(random_id);
    let init = std::env::var("PROBE_INIT").unwrap_or_default();
    if init == "fail" {
        // lambda_runtime has no public way to report an init error (its /init/error
        // request is crate-private and only used by the SnapStart hooks), so a
        // Rust user fails init the idiomatic way: main returns the error
        // (std prints it to stderr and exits with status 1).
        return Err(ProbeInitError {
            message: "probe init failure".into(),
        }
        .into());
    } else if let Some(code) = init.strip_prefix("exit:") {
        std::process::exit(code.trim().parse().unwrap_or(1));
    } else if let Some(ms) = init.strip_prefix("sleep:") {
        std::thread::sleep(Duration::from_millis(ms.trim().parse().unwrap_or(0)));
    }

    // Lambda Managed Instances set AWS_LAMBDA_MAX_CONCURRENCY: then run_concurrent (feature
    // concurrency-tokio), one /next loop per slot when the value is above 1 and the sequential loop
    // otherwise (lambda_runtime 1.5.0 src/runtime.rs `Runtime::run_concurrent`). Without the variable
    // the classic `run`, so a classic environment sees exactly what it always did (`run` would only
    // warn that the variable is set).
    // SnapStart: the probe's hooks registered with the runtime (snapstart.rs); `run` builds the
    // same runtime with the same tracing layer (lambda_runtime 1.5.0 src/lib.rs `run`).
    if snapstart::enabled() {
        let hooks = std::sync::Arc::new(snapstart::ProbeHooks::from_env());
        lambda_runtime::Runtime::new(service_fn(handler))
            .layer(lambda_runtime::layers::TracingLayer::new())
            .register_snapstart_resource(hooks)
            .run()
            .await
    } else if std::env::var_os("AWS_LAMBDA_MAX_CONCURRENCY").is_some() {
        lambda_runtime::run_concurrent(service_fn(handler)).await
    } else {
        lambda_runtime::run(service_fn(handler)).await
    }
}

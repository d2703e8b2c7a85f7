//! The probe's `stream` op (docs/probe-contract.md) on lambda_runtime 1.5.0's response streaming.
//!
//! One handler serves both kinds of answer: it returns `FunctionResponse::BufferedResponse` for the
//! buffered ops and `FunctionResponse::StreamingResponse` for `stream` (src/types.rs; the crate's
//! `run` takes any `IntoFunctionResponse`). The stream is the crate's own `streaming::channel()`,
//! written from a task while the runtime is already posting it (src/requests.rs
//! `EventCompletionRequest`). What the wire then carries is the crate's doing:
//! - every streamed response is framed as HTTP-integration: Content-Type
//!   `application/vnd.awslambda.http-integration-response`, the JSON prelude (default status 200,
//!   `content-type: application/octet-stream`, no cookies), 8 NUL bytes, then the writes;
//! - a failure after the stream has started (`Sender::send_error`) is turned into the text
//!   `Lambda-Runtime-Function-Error-Type: Runtime.StreamError\r\nLambda-Runtime-Function-Error-Body:
//!   <base64 of the error's Display>\r\n` (src/types.rs `ToStreamErrorTrailer`) and sent as body
//!   data; the declared trailers themselves are never sent.

use lambda_runtime::streaming::{channel, Body};
use lambda_runtime::{Diagnostic, FunctionResponse, MetadataPrelude, StreamResponse};
use serde_json::{json, Value};
use std::time::Duration;

/// What the probe's handler answers: a JSON value, or a stream.
pub type ProbeResponse = FunctionResponse<Value, Body>;

/// The failure of a stream after `failAfter` writes.
#[derive(Debug)]
struct ProbeStreamError {
    chunks: u64,
}

impl std::fmt::Display for ProbeStreamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ProbeStreamError: failed after {} chunks", self.chunks)
    }
}

impl std::error::Error for ProbeStreamError {}

fn fail_message(chunks: u64) -> String {
    format!("failed after {chunks} chunks")
}

/// The error a stream ends with; `Sender::send_error` takes the api client's error type.
fn stream_error(chunks: u64) -> lambda_runtime_api_client::Error {
    lambda_runtime_api_client::Error::new(ProbeStreamError { chunks })
}

/// Write `i`: `chunk <i>\n`, or `chunkBytes` bytes of the letter `a + i mod 26`.
fn chunk(i: u64, chunk_bytes: Option<u64>) -> Vec<u8> {
    match chunk_bytes {
        Some(n) => vec![b'a' + (i % 26) as u8; n as usize],
        None => format!("chunk {i}\n").into_bytes(),
    }
}

/// The contract's prelude object as the crate's `MetadataPrelude`; the fields it leaves out
/// take their defaults (the crate's serde shape requires all three).
fn metadata_prelude(prelude: &Value) -> Result<MetadataPrelude, Diagnostic> {
    let mut full = json!({"statusCode": 200, "headers": {}, "cookies": []});
    if let (Some(target), Some(given)) = (full.as_object_mut(), prelude.as_object()) {
        for (k, v) in given {
            target.insert(k.clone(), v.clone());
        }
    }
    serde_json::from_value(full).map_err(|e| Diagnostic {
        error_type: "ProbePreludeError".into(),
        error_message: format!("the prelude is not a MetadataPrelude: {e}"),
    })
}

pub fn stream_op(ev: &Value) -> Result<ProbeResponse, Diagnostic> {
    let num = |name: &str| ev.get(name).and_then(Value::as_u64);
    let chunks = num("chunks").unwrap_or(3);
    let chunk_bytes = num("chunkBytes");
    let delay = Duration::from_millis(num("delayMs").unwrap_or(0));
    let fail_after = num("failAfter");
    if fail_after == Some(0) {
        // Before the first byte the handler's own error goes to /error, as for any other op.
        return Err(Diagnostic {
            error_type: "ProbeStreamError".into(),
            error_message: fail_message(0),
        });
    }
    let metadata_prelude = match ev.get("prelude") {
        Some(p) if p.is_object() => metadata_prelude(p)?,
        _ => MetadataPrelude::default(),
    };

    let (mut tx, body) = channel();
    tokio::spawn(async move {
        for i in 0..chunks {
            if fail_after == Some(i) {
                tx.send_error(stream_error(i));
                return;
            }
            if i > 0 && !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            // send_data waits until the runtime's request body wants more, so each write is
            // handed on (and flushed by hyper) before the next is produced.
            if tx.send_data(chunk(i, chunk_bytes).into()).await.is_err() {
                return; // the runtime stopped reading (e.g. the stream was cut off)
            }
        }
        if let Some(k) = fail_after.filter(|&k| k >= chunks) {
            tx.send_error(stream_error(k.min(chunks)));
        }
    });
    Ok(FunctionResponse::StreamingResponse(StreamResponse { metadata_prelude, stream: body }))
}

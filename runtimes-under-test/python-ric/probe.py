"""bootspec probe v1 (see docs/probe-contract.md) for awslambdaric (Python runtime interface client).

Handler: probe.handler. awslambdaric imports this module during init (bootstrap._get_handler).
"""

import hashlib
import importlib
import logging
import os
import sys
import time
import uuid

# ---- init: runs once, at import ----
_INIT_ID = str(uuid.uuid4())
_count = 0


class ProbeInitError(Exception):
    pass


_control = os.environ.get("PROBE_INIT", "")
if _control == "fail":
    raise ProbeInitError("probe init failure")
elif _control.startswith("exit:"):
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(int(_control[len("exit:"):]))
elif _control.startswith("sleep:"):
    time.sleep(int(_control[len("sleep:"):]) / 1000.0)


# ---- restore controls (docs/probe-contract.md#restore-controls): SnapStart hooks ----
# Registered with snapshot_restore_py, the registry awslambdaric 4.2.2 runs when
# AWS_LAMBDA_INITIALIZATION_TYPE=snap-start (awslambdaric/lambda_runtime_hooks_runner.py).
_restore_hooks = []
_restore_control = os.environ.get("PROBE_RESTORE", "")


def _before_snapshot():
    _restore_hooks.append({"hook": "before-snapshot", "at": int(time.time() * 1000)})
    if _restore_control == "before-fail":
        raise _named_error("ProbeSnapshotError", "probe before-snapshot failure")


def _after_restore():
    _restore_hooks.append({"hook": "after-restore", "at": int(time.time() * 1000)})
    if _restore_control == "fail":
        raise _named_error("ProbeRestoreError", "probe after-restore failure")


try:
    from snapshot_restore_py import register_after_restore, register_before_snapshot

    register_before_snapshot(_before_snapshot)
    register_after_restore(_after_restore)
except ImportError:  # a client without SnapStart hooks: the restore-hooks op reports none
    pass


# The logging level a Python user logs a record of each level with (the `logger` op).
_LOGGER_LEVELS = {"DEBUG": logging.DEBUG, "INFO": logging.INFO, "WARN": logging.WARNING, "ERROR": logging.ERROR}


def _named_error(error_type, message):
    """An exception whose class name (awslambdaric reports type(e).__name__) is chosen at run time."""
    return type(str(error_type), (Exception,), {})(str(message))


def _tmp_path(name):
    name = str(name)
    if name in ("", ".", "..") or "/" in name:
        raise _named_error("ProbeBadRequest", "bad tmp file name: %r" % name)
    return "/tmp/" + name


def _client_context(context):
    cc = getattr(context, "client_context", None)
    if cc is None:
        return None
    client = getattr(cc, "client", None)
    return {
        # awslambdaric keeps only these keys (ClientContext/Client __slots__ in lambda_context.py)
        "client": None
        if client is None
        else {k: getattr(client, k, None) for k in type(client).__slots__},
        "custom": getattr(cc, "custom", None),
        "env": getattr(cc, "env", None),
    }


def _identity(context):
    ident = getattr(context, "identity", None)
    if ident is None:
        return None
    # awslambdaric always builds a CognitoIdentity object (fields None without the header)
    return {
        "cognitoIdentityId": getattr(ident, "cognito_identity_id", None),
        "cognitoIdentityPoolId": getattr(ident, "cognito_identity_pool_id", None),
    }


def _context(context):
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    return {
        "requestId": getattr(context, "aws_request_id", None),
        "functionArn": getattr(context, "invoked_function_arn", None),
        "functionName": getattr(context, "function_name", None),
        "functionVersion": getattr(context, "function_version", None),
        # awslambdaric copies AWS_LAMBDA_FUNCTION_MEMORY_SIZE as is: a string
        "memoryLimitMb": getattr(context, "memory_limit_in_mb", None),
        "logGroupName": getattr(context, "log_group_name", None),
        "logStreamName": getattr(context, "log_stream_name", None),
        "remainingMs": remaining() if callable(remaining) else None,
        "clientContext": _client_context(context),
        "identity": _identity(context),
        "traceEnv": os.environ.get("_X_AMZN_TRACE_ID"),
        "tenantId": getattr(context, "tenant_id", None),
    }


# Bench only (scripts/bench-gate.sh): BUSY_WAIT_US spins that much of this thread's CPU time per
# invoke, a known slowdown. CPU time, not wall time: a wall-clock spin would also "spend" the time the
# CPU gave the mock, so it would add less than it spins on a shared CPU.
_BUSY_WAIT_NS = int(float(os.environ.get("BUSY_WAIT_US", "0") or 0) * 1000)


def handler(event, context):
    global _count
    if _BUSY_WAIT_NS > 0:
        end = time.thread_time_ns() + _BUSY_WAIT_NS
        while time.thread_time_ns() < end:
            pass
    op = event.get("probe") if isinstance(event, dict) else None

    if op == "echo":
        return event.get("value")
    if op == "digest":
        data = str(event.get("value")).encode("utf-8")
        return {"utf8Bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    if op == "bytes":
        return "x" * int(event["size"])
    if op == "context":
        # sleepMs: wait first, then read what this invocation sees. With AWS_LAMBDA_MAX_CONCURRENCY
        # awslambdaric runs one forked process per slot, so a blocking wait holds only this one.
        if event.get("sleepMs"):
            time.sleep(event["sleepMs"] / 1000.0)
        return _context(context)
    if op == "env":
        names = event.get("names")
        if isinstance(names, list):
            return {n: os.environ.get(n) for n in names}
        return dict(os.environ)
    if op == "throw":
        raise _named_error(event.get("errorType", "Exception"), event.get("message", ""))
    if op == "sleep":
        time.sleep(event["ms"] / 1000.0)
        return {"sleptMs": event["ms"]}
    if op == "restore-hooks":
        return {"hooks": _restore_hooks}
    if op == "counter":
        _count += 1
        return {"count": _count, "pid": os.getpid(), "initId": _INIT_ID}
    if op == "tmp":
        path = _tmp_path(event.get("file"))
        with open(path, "a", encoding="utf-8") as f:
            f.write("%s %d %f\n" % (_INIT_ID, os.getpid(), time.time()))
        with open(path, encoding="utf-8") as f:
            lines = sum(1 for line in f if line.strip())
        return {"lines": lines}
    if op == "log":
        # print() as a Python user writes lines; awslambdaric leaves print() unformatted
        # (its log format/level/telemetry fd apply to the logging module only), see README.md
        out = event.get("stdout") or []
        err = event.get("stderr") or []
        for line in out:
            print(str(line), file=sys.stdout, flush=True)
        for line in err:
            print(str(line), file=sys.stderr, flush=True)
        return {"logged": len(out) + len(err)}
    if op == "logger":
        # The logging module's root logger, as a Python user logs: awslambdaric's handler formats it
        # (text or JSON), filters it by AWS_LAMBDA_LOG_LEVEL and frames it to the telemetry fd.
        records = event.get("records") or []
        # sleepMs: log only after the wait (another invocation may be delivered meanwhile)
        if event.get("sleepMs"):
            time.sleep(event["sleepMs"] / 1000.0)
        for r in records:
            level = _LOGGER_LEVELS.get(str(r.get("level")))
            if level is None:
                raise _named_error("ProbeBadRequest", "unknown level %r" % (r.get("level"),))
            logging.getLogger().log(level, str(r.get("message")))
        return {"logged": len(records)}
    if op == "exit":
        os._exit(int(event["code"]))
    if op == "memory":
        mb = int(event["mb"])
        block = b"\x01" * (mb * 1024 * 1024)  # filled, so every page is touched
        touched = len(block) // (1024 * 1024)
        return {"allocatedMb": touched}
    if op == "import":
        module = importlib.import_module(str(event["module"]))
        return {"value": getattr(module, "value", None)}
    if op == "file":
        with open(str(event["path"]), encoding="utf-8") as f:
            return {"text": f.read()}
    raise _named_error("ProbeUnknownOp", "unknown probe op: %r" % (op,))

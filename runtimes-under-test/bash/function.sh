# shellcheck shell=bash disable=SC2016 # jq programs are single-quoted on purpose
# The bootspec probe function (docs/probe-contract.md#probe-function) for the bash runtime.
# ./bootstrap sources this file once at init and calls `handler EVENT_FILE RESPONSE_FILE` in its own
# shell for every invocation; the contract is described at the top of ./bootstrap.
# Event fields are read with jq from the event file: nothing from the event goes on a command line.
# JSON answers are written with `jq -j '… | tojson'`: compact, and no trailing newline in the body.

PROBE_COUNT=0
PROBE_MIB=1048576
if ! read -r PROBE_INIT_ID 2> /dev/null < /proc/sys/kernel/random/uuid; then
  printf -v PROBE_INIT_ID '%08x%08x%08x' "${SRANDOM:-$RANDOM}" "${SRANDOM:-$RANDOM}" "${SRANDOM:-$RANDOM}"
fi

# probe_jq ARGS...: jq, with its complaint turned into the handler error.
probe_jq() {
  jq "$@" 2> "$LAMBDA_SCRATCH_DIR/jq-error" && return 0
  local status=$? why=
  IFS= read -r why < "$LAMBDA_SCRATCH_DIR/jq-error"
  lambda_error ProbeBadRequest "${why:-jq exited with status $status}"
  return 1
}

# probe_get FILTER EVENT_FILE: REPLY = the raw output of FILTER (no command substitution, so an
# error raised here reaches the runtime, and trailing newlines survive).
probe_get() {
  probe_jq -j "$1" "$2" > "$LAMBDA_SCRATCH_DIR/field" || return
  IFS= read -r -d '' REPLY < "$LAMBDA_SCRATCH_DIR/field"
  return 0
}

# probe_number FIELD EVENT_FILE [integer]: REPLY = the field, a non-negative JSON number.
probe_number() {
  local check='type == "number" and . >= 0'
  [[ ${3-} == integer ]] && check+=' and . == floor'
  probe_get ".$1 | if $check then tostring else error(\"$1 must be a non-negative ${3:-number}\") end" "$2"
}

# probe_sleep_ms MS: sleep with fractional seconds (GNU sleep).
probe_sleep_ms() {
  local ms=$1 seconds
  if [[ $ms =~ ^[0-9]+$ ]]; then
    ms=$((10#$ms))
    printf -v seconds '%d.%03d' $((ms / 1000)) $((ms % 1000))
  else
    seconds=$(jq -n --argjson ms "$ms" '$ms / 1000') || return
  fi
  sleep "$seconds"
}

probe_digest() {
  local value=$LAMBDA_SCRATCH_DIR/digest-value bytes sum
  # -j: the exact UTF-8 bytes of the string, no newline added.
  probe_jq -j 'if (.value | type) == "string" then .value else error("value must be a string") end' "$1" > "$value" ||
    return
  bytes=$(wc -c < "$value")
  sum=$(sha256sum < "$value")
  : > "$value"
  printf '{"utf8Bytes":%d,"sha256":"%s"}' "$bytes" "${sum%% *}" > "$2"
}

probe_bytes() {
  probe_number size "$1" integer || return
  { printf '"'; head -c "$REPLY" /dev/zero | tr '\0' x; printf '"'; } > "$2"
}

probe_context() {
  lambda_remaining_ms
  probe_jq -n -j --argjson ctx "$LAMBDA_CONTEXT" --argjson remaining "$REPLY" '{
    requestId: $ctx.awsRequestId,
    functionArn: $ctx.invokedFunctionArn,
    functionName: $ctx.functionName,
    functionVersion: $ctx.functionVersion,
    memoryLimitMb: $ctx.memoryLimitInMB,
    logGroupName: $ctx.logGroupName,
    logStreamName: $ctx.logStreamName,
    remainingMs: $remaining,
    clientContext: $ctx.clientContext,
    identity: $ctx.identity,
    traceEnv: $ENV._X_AMZN_TRACE_ID,
    tenantId: $ctx.tenantId
  } | tojson' > "$2"
}

probe_env() {
  probe_jq -j '
    if .names == null then $ENV
    elif (.names | type) == "array" and all(.names[]; type == "string") then
      reduce .names[] as $name ({}; .[$name] = $ENV[$name])
    else error("names must be an array of strings") end | tojson' "$1" > "$2"
}

probe_throw() {
  local type
  probe_get '.errorType // "ProbeError" | tostring' "$1" || return
  type=$REPLY
  probe_get '.message // "" | tostring' "$1" || return
  lambda_error "$type" "$REPLY"
  return 1
}

probe_sleep() {
  probe_number ms "$1" || return
  local ms=$REPLY
  probe_sleep_ms "$ms" || {
    lambda_error ProbeSleepError "sleep $ms ms failed"
    return 1
  }
  printf '{"sleptMs":%s}' "$ms" > "$2"
}

probe_counter() {
  PROBE_COUNT=$((PROBE_COUNT + 1))
  printf '{"count":%d,"pid":%d,"initId":"%s"}' "$PROBE_COUNT" "$$" "$PROBE_INIT_ID" > "$2"
}

probe_tmp() {
  probe_get '.file | if type == "string" and . != "" and . != "." and . != ".." and (contains("/") | not)
    then . else error("file must be a plain file name") end' "$1" || return
  local file=/tmp/$REPLY lines
  printf '%s %s\n' "$$" "$LAMBDA_REQUEST_ID" >> "$file" || {
    lambda_error ProbeTmpError "cannot append to $file"
    return 1
  }
  lines=$(wc -l < "$file")
  printf '{"lines":%d}' "$lines" > "$2"
}

probe_log() {
  # jq writes straight to this process's stdout / stderr, during the invocation.
  probe_jq -j '(.stdout // [])[] | tostring + "\n"' "$1" || return
  probe_jq -j '(.stderr // [])[] | tostring + "\n"' "$1" >&2 || return
  probe_jq -j '{logged: (((.stdout // []) | length) + ((.stderr // []) | length))} | tojson' "$1" > "$2"
}

probe_file() {
  probe_get '.path | if type == "string" and startswith("/") then . else error("path must be an absolute path") end' "$1" ||
    return
  probe_jq -n -j --rawfile text "$REPLY" '{text: $text} | tojson' > "$2" || {
    lambda_error ProbeFileError "cannot read $REPLY"
    return 1
  }
}

probe_exit() {
  probe_get '.code // 0 | if type == "number" and . == floor then tostring else error("code must be an integer") end' "$1" ||
    return
  exit "$REPLY"
}

probe_memory() {
  probe_number mb "$1" || return
  local mb=$REPLY
  probe_get ".mb * $PROBE_MIB | floor | tostring" "$1" || return
  # Strings written by printf -v in 1 MiB pieces: every byte is touched, in this process's RSS, and
  # the peak stays within a piece of the target (one big printf would briefly need twice as much).
  local -a held=()
  local left=$REPLY piece i=0
  while ((left > 0)); do
    piece=$((left < PROBE_MIB ? left : PROBE_MIB))
    # shellcheck disable=SC2034 # held only has to exist until the handler returns
    printf -v "held[i]" '%*s' "$piece" ''
    left=$((left - piece))
    i=$((i + 1))
  done
  printf '{"allocatedMb":%s}' "$mb" > "$2"
  unset held # glibc may keep some of the freed heap for bash to reuse; RSS can stay above the start
}

handler() {
  local event=$1 response=$2
  probe_get 'if type == "object" and (.probe | type) == "string" then .probe else "" end' "$event" || return
  case $REPLY in
    echo) probe_jq -j '.value | tojson' "$event" > "$response" ;;
    digest) probe_digest "$event" "$response" ;;
    bytes) probe_bytes "$event" "$response" ;;
    context) probe_context "$event" "$response" ;;
    env) probe_env "$event" "$response" ;;
    throw) probe_throw "$event" "$response" ;;
    sleep) probe_sleep "$event" "$response" ;;
    counter) probe_counter "$event" "$response" ;;
    tmp) probe_tmp "$event" "$response" ;;
    log) probe_log "$event" "$response" ;;
    exit) probe_exit "$event" "$response" ;;
    memory) probe_memory "$event" "$response" ;;
    file) probe_file "$event" "$response" ;;
    *)
      lambda_error ProbeUnknownOp "unknown probe op: '$REPLY'"
      return 1
      ;;
  esac
}

# Init controls (docs/probe-contract.md#init-controls), run while this file is sourced.
case ${PROBE_INIT-} in
  '') ;;
  fail)
    lambda_error ProbeInitError 'probe init failure'
    return 1
    ;;
  exit:*) exit "${PROBE_INIT#exit:}" ;;
  sleep:*) probe_sleep_ms "${PROBE_INIT#sleep:}" ;;
  *) printf 'probe: ignoring unknown PROBE_INIT=%s\n' "$PROBE_INIT" >&2 ;;
esac

// bootspec probe function (docs/probe-contract.md, probe v1) on github.com/aws/aws-lambda-go.
//
// Written the way a user writes a Go Lambda function for provided.al2023:
// package main, lambda.Start(handler), built as a static `bootstrap` with
// -tags lambda.norpc. Everything the suite judges (error bodies,
// _X_AMZN_TRACE_ID, context values) comes from the runtime client; the probe
// only reports what it sees.
package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambda/messages"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// ProbeInitError is what the probe raises during init for PROBE_INIT=fail.
type ProbeInitError struct{ Message string }

func (e *ProbeInitError) Error() string { return "ProbeInitError: " + e.Message }

// Module-level state created at init (counter op).
var (
	count  atomic.Int64
	initID string
)

// init is Go's "module load": it runs before main, i.e. before the runtime
// client has said anything to the Runtime API.
func init() {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	initID = hex.EncodeToString(b)

	ctl := os.Getenv("PROBE_INIT")
	switch {
	case ctl == "fail":
		// aws-lambda-go has no API to post /runtime/init/error; a Go user fails
		// init by panicking (or log.Fatal) before lambda.Start. The runtime dies
		// with exit status 2 and the panic on stderr.
		panic(&ProbeInitError{Message: "probe init failure"})
	case strings.HasPrefix(ctl, "exit:"):
		code, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(ctl, "exit:")))
		if err != nil {
			code = 1
		}
		os.Exit(code)
	case strings.HasPrefix(ctl, "sleep:"):
		ms, _ := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(ctl, "sleep:")))
		time.Sleep(time.Duration(ms) * time.Millisecond)
	}
}

type event struct {
	Probe     string          `json:"probe"`
	Value     json.RawMessage `json:"value"`
	Size      int             `json:"size"`
	Names     *[]string       `json:"names"`
	Message   string          `json:"message"`
	ErrorType string          `json:"errorType"`
	Ms        int64           `json:"ms"`
	SleepMs   int64           `json:"sleepMs"` // context: wait this long first
	File      string          `json:"file"`
	Path      string          `json:"path"`
	Stdout    []string        `json:"stdout"`
	Stderr    []string        `json:"stderr"`
	Code      int             `json:"code"`
	Mb        int             `json:"mb"`
	// The stream op (stream.go).
	Chunks     *int           `json:"chunks"`
	ChunkBytes *int           `json:"chunkBytes"`
	DelayMs    int64          `json:"delayMs"`
	FailAfter  *int           `json:"failAfter"`
	Prelude    *streamPrelude `json:"prelude"`
}

type streamPrelude struct {
	StatusCode int               `json:"statusCode"`
	Headers    map[string]string `json:"headers"`
	Cookies    []string          `json:"cookies"`
}

func envOpt(name string) any {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return nil
}

func contextAnswer(ctx context.Context) map[string]any {
	out := map[string]any{
		"requestId": nil, "functionArn": nil,
		"functionName":    lambdacontext.FunctionName,
		"functionVersion": lambdacontext.FunctionVersion,
		"memoryLimitMb":   lambdacontext.MemoryLimitInMB,
		"logGroupName":    lambdacontext.LogGroupName,
		"logStreamName":   lambdacontext.LogStreamName,
		"remainingMs":     nil,
		"clientContext":   nil, "identity": nil, "tenantId": nil,
		// the process environment as the runtime client left it for this invoke
		"traceEnv": envOpt("_X_AMZN_TRACE_ID"),
	}
	if deadline, ok := ctx.Deadline(); ok {
		out["remainingMs"] = time.Until(deadline).Milliseconds()
	}
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		out["requestId"] = lc.AwsRequestID
		out["functionArn"] = lc.InvokedFunctionArn
		// Go's LambdaContext holds these as plain structs (never nil): the zero
		// value means the header was absent, so it is reported as null.
		cc := lc.ClientContext
		if cc.Client != (lambdacontext.ClientApplication{}) || cc.Env != nil || cc.Custom != nil {
			out["clientContext"] = cc
		}
		if lc.Identity != (lambdacontext.CognitoIdentity{}) {
			out["identity"] = lc.Identity
		}
		if lc.TenantID != "" {
			out["tenantId"] = lc.TenantID
		}
	}
	return out
}

// Bench only (scripts/bench-gate.sh): BUSY_WAIT_US spins that long per invoke, a known slowdown.
var busyWait = func() time.Duration {
	us, err := strconv.ParseFloat(os.Getenv("BUSY_WAIT_US"), 64)
	if err != nil || us <= 0 {
		return 0
	}
	return time.Duration(us * 1000)
}()

func handler(ctx context.Context, ev event) (any, error) {
	if busyWait > 0 {
		for end := time.Now().Add(busyWait); time.Now().Before(end); {
		}
	}
	switch ev.Probe {
	case "stream":
		return streamOp(ev), nil
	case "echo":
		if ev.Value == nil {
			return nil, nil
		}
		return ev.Value, nil
	case "digest":
		var s string
		_ = json.Unmarshal(ev.Value, &s)
		sum := sha256.Sum256([]byte(s))
		return map[string]any{"utf8Bytes": len(s), "sha256": hex.EncodeToString(sum[:])}, nil
	case "bytes":
		return strings.Repeat("x", ev.Size), nil
	case "context":
		// sleepMs: wait first, then read what this invocation sees; with
		// AWS_LAMBDA_MAX_CONCURRENCY > 1 each /next loop is its own goroutine,
		// so the wait holds only this one.
		if ev.SleepMs > 0 {
			time.Sleep(time.Duration(ev.SleepMs) * time.Millisecond)
		}
		return contextAnswer(ctx), nil
	case "env":
		out := map[string]any{}
		if ev.Names != nil {
			for _, n := range *ev.Names {
				out[n] = envOpt(n)
			}
			return out, nil
		}
		for _, kv := range os.Environ() {
			k, v, _ := strings.Cut(kv, "=")
			out[k] = v
		}
		return out, nil
	case "throw":
		// aws-lambda-go names a returned error by its Go type (reflect Name,
		// e.g. "errorString"); the one way to choose errorType freely is to
		// return messages.InvokeResponse_Error, which the client passes through.
		return nil, messages.InvokeResponse_Error{Message: ev.Message, Type: ev.ErrorType}
	case "sleep":
		time.Sleep(time.Duration(ev.Ms) * time.Millisecond)
		return map[string]any{"sleptMs": ev.Ms}, nil
	case "counter":
		n := count.Add(1)
		return map[string]any{"count": n, "pid": os.Getpid(), "initId": initID}, nil
	case "tmp":
		path := "/tmp/" + ev.File
		f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			return nil, err
		}
		_, err = fmt.Fprintf(f, "line pid=%d\n", os.Getpid())
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		return map[string]any{"lines": strings.Count(string(data), "\n")}, nil
	case "file":
		if !strings.HasPrefix(ev.Path, "/") {
			return nil, errors.New("path must be an absolute path")
		}
		data, err := os.ReadFile(ev.Path)
		if err != nil {
			return nil, err
		}
		return map[string]any{"text": string(data)}, nil
	case "log":
		// os.Stdout / os.Stderr are unbuffered; the bufio writers are flushed
		// before returning so every line is out during the invocation.
		out, errw := bufio.NewWriter(os.Stdout), bufio.NewWriter(os.Stderr)
		for _, l := range ev.Stdout {
			fmt.Fprintln(out, l)
		}
		for _, l := range ev.Stderr {
			fmt.Fprintln(errw, l)
		}
		out.Flush()
		errw.Flush()
		return map[string]any{"logged": len(ev.Stdout) + len(ev.Stderr)}, nil
	case "exit":
		os.Exit(ev.Code)
		return nil, nil
	case "memory":
		buf := make([]byte, ev.Mb<<20)
		for i := 0; i < len(buf); i += 4096 {
			buf[i] = byte(i)
		}
		runtime.KeepAlive(buf)
		return map[string]any{"allocatedMb": ev.Mb}, nil
	default:
		return nil, errors.New("unknown probe op: " + strconv.Quote(ev.Probe))
	}
}

func main() {
	// SIGTERM handling as aws-lambda-go offers it (lambda/sigterm.go): the client registers a
	// do-nothing internal extension, GoLangEnableSIGTERM, so that Lambda sends SIGTERM before SIGKILL.
	// signal.Notify replaces Go's default exit on SIGTERM, so the function itself must exit after its
	// clean-up; a user's handler does the same.
	lambda.StartWithOptions(handler, lambda.WithEnableSIGTERM(func() {
		fmt.Println("[go probe] SIGTERM received, exiting")
		os.Exit(0)
	}))
}

package main

// The probe's `stream` op (docs/probe-contract.md): aws-lambda-go streams a handler's io.Reader
// result as a chunked /response with the error trailers declared (and no mode header); an
// *events.LambdaFunctionURLStreamingResponse adds the HTTP-integration prelude.

import (
	"bytes"
	"io"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// ProbeStreamError is the failure of a stream after `failAfter` chunks.
type ProbeStreamError struct{ Message string }

func (e *ProbeStreamError) Error() string { return e.Message }

func streamOp(ev event) io.Reader {
	chunks := 3
	if ev.Chunks != nil {
		chunks = *ev.Chunks
	}
	pr, pw := io.Pipe()
	go func() {
		for i := 0; i < chunks; i++ {
			if ev.FailAfter != nil && *ev.FailAfter == i {
				pw.CloseWithError(&ProbeStreamError{Message: "failed after " + itoa(i) + " chunks"})
				return
			}
			if i > 0 && ev.DelayMs > 0 {
				time.Sleep(time.Duration(ev.DelayMs) * time.Millisecond)
			}
			var chunk []byte
			if ev.ChunkBytes != nil {
				chunk = bytes.Repeat([]byte{byte('a' + i%26)}, *ev.ChunkBytes)
			} else {
				chunk = []byte("chunk " + itoa(i) + "\n")
			}
			if _, err := pw.Write(chunk); err != nil {
				return
			}
		}
		if ev.FailAfter != nil && *ev.FailAfter >= chunks {
			pw.CloseWithError(&ProbeStreamError{Message: "failed after " + itoa(chunks) + " chunks"})
			return
		}
		pw.Close()
	}()
	if ev.Prelude == nil {
		return pr
	}
	return &events.LambdaFunctionURLStreamingResponse{StatusCode: ev.Prelude.StatusCode, Headers: ev.Prelude.Headers, Cookies: ev.Prelude.Cookies, Body: pr}
}

func itoa(n int) string { return strconv.Itoa(n) }

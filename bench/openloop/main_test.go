package main

import (
	"bufio"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRoundTripReadsOneAnswer feeds roundTrip each shape of answer a server
// may give and checks it reads exactly that answer, so the next one on the
// connection starts where it should.
func TestRoundTripReadsOneAnswer(t *testing.T) {
	const next = "HTTP/1.1 204 No Content\r\n\r\n"
	tests := []struct {
		name      string
		answer    string
		ok, reuse bool
	}{
		{"a redirect with a body", "HTTP/1.1 302 Found\r\nLocation: https://x\r\nContent-Length: 5\r\n\r\nhello", true, true},
		{"a chunked body", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n", true, true},
		{"no body", "HTTP/1.1 204 No Content\r\n\r\n", true, true},
		{"a client error", "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nno\n", false, true},
		{"a server error", "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n", false, true},
		{"the server closes", "HTTP/1.1 302 Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", true, false},
		{"a body to the end of the connection", "HTTP/1.1 200 OK\r\n\r\n", true, false},
		{"garbage", "SSH-2.0-OpenSSH\r\n", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, server := net.Pipe()
			defer client.Close()
			go func() {
				defer server.Close()
				req := make([]byte, 512)
				if _, err := server.Read(req); err != nil {
					return
				}
				io.WriteString(server, tt.answer+next)
			}()
			br := bufio.NewReader(client)
			ok, err := roundTrip(client, br, []byte("GET /x HTTP/1.1\r\nHost: h\r\n\r\n"))
			if ok != tt.ok || (err == nil) != tt.reuse {
				t.Fatalf("ok %v, err %v; want ok %v, reusable %v", ok, err, tt.ok, tt.reuse)
			}
			if tt.reuse {
				line, _ := br.ReadString('\n')
				if line != "HTTP/1.1 204 No Content\r\n" {
					t.Errorf("the next answer starts with %q: the body was not read exactly", line)
				}
			}
		})
	}
}

func TestReadTargets(t *testing.T) {
	tests := []struct {
		name, file, host, first, err string
	}{
		{name: "URLs", file: "http://127.0.0.1:8091/a\nhttp://127.0.0.1:8091/b?c=1\n", host: "127.0.0.1:8091", first: "GET /a HTTP/1.1\r\nHost: 127.0.0.1:8091\r\n\r\n"},
		{name: "vegeta's lines", file: "GET http://h:1/x\n\n", host: "h:1", first: "GET /x HTTP/1.1\r\nHost: h:1\r\n\r\n"},
		{name: "two hosts", file: "http://a:1/x\nhttp://b:1/y\n", err: "every target must be on a:1"},
		{name: "https", file: "https://a/x\n", err: "is not an http:// URL"},
		{name: "empty", file: "\n", err: "no targets"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "targets")
			if err := os.WriteFile(path, []byte(tt.file), 0o644); err != nil {
				t.Fatal(err)
			}
			host, reqs, err := readTargets(path)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil || host != tt.host || string(reqs[0]) != tt.first {
				t.Fatalf("host %q, first %q, err %v", host, reqs[0], err)
			}
		})
	}
}

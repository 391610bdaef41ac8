// Package reliability holds the fault-injection and bad-input tests of the
// service that `tradeoff scaffold` generates. The talk's shortener "must
// never lose a mapping": these tests generate a service, build it, run it
// against real PostgreSQL, Redis and NATS servers that each test starts on
// its own ports, and break one of them under a fixed-rate load on 127.0.0.1.
//
// The tests run when CI=true or RELIABILITY_TESTS=1, and then fail (never
// skip) when a server binary or gosec is missing; otherwise they skip, so
// `go test ./...` passes on a machine with only Go. RELIABILITY.md at the
// repository root lists each test with the figures it measured.
//
// The package has no code of its own outside its tests.
package reliability

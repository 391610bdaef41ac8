package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// Exit codes, the same for every command.
const (
	ExitOK       = 0 // no problem, or none at or above --fail-on
	ExitFindings = 1 // findings at or above the --fail-on threshold
	ExitInvalid  = 2 // invalid input or usage
)

// UsageError is a mistake in how the command was called.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

func usageErrorf(format string, args ...any) error {
	return &UsageError{Err: fmt.Errorf(format, args...)}
}

// InputError is a problem with a file the user gave: it is printed as is,
// one problem per line, and exits 2.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// FindingsError reports that findings reached the --fail-on threshold. The
// findings themselves were already printed, so it prints nothing more.
type FindingsError struct{ Count int }

func (e *FindingsError) Error() string {
	return fmt.Sprintf("%d finding(s) at or above the --fail-on threshold", e.Count)
}

// silentError exits with a code after the command has printed everything.
type silentError struct{ code int }

func (e *silentError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// exitCode maps an error to the process exit status, and prints it unless
// the command already said everything there is to say.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return ExitOK
	}
	var fe *FindingsError
	if errors.As(err, &fe) {
		return ExitFindings
	}
	var silent *silentError
	if errors.As(err, &silent) {
		return silent.code
	}
	var se schema.Errors
	if errors.As(err, &se) {
		fmt.Fprintln(stderr, se.Error())
		return ExitInvalid
	}
	msg := err.Error()
	var ue *UsageError
	if errors.As(err, &ue) || isCobraUsage(msg) {
		fmt.Fprintf(stderr, "error: %s\nRun 'tradeoff --help' for usage.\n", msg)
		return ExitInvalid
	}
	fmt.Fprintf(stderr, "error: %s\n", msg)
	return ExitInvalid
}

// isCobraUsage recognises cobra's own argument and flag errors, which it
// returns as plain errors.
func isCobraUsage(msg string) bool {
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "invalid argument", "accepts ", "requires at least", "flag needs an argument", "required flag"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

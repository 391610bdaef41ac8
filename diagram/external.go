package diagram

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// RendererName is the separate binary that links go-graphviz.
const RendererName = "tradeoff-render"

// renderTimeout bounds one layout: a few thousand nodes take seconds, so a
// minute means something is wrong.
const renderTimeout = time.Minute

// MissingToolError says that a program a format needs is not installed.
type MissingToolError struct {
	Tool string
	Hint string
}

func (e *MissingToolError) Error() string {
	return fmt.Sprintf("%s not found: %s", e.Tool, e.Hint)
}

// RendererEnv names the environment variable that points at the renderer,
// for packagers who install it elsewhere.
const RendererEnv = "TRADEOFF_RENDER"

// FindRenderer looks for tradeoff-render: at override when that is set
// (from $TRADEOFF_RENDER), else next to the running executable, where `go
// build` or a release archive puts both, and then on PATH.
func FindRenderer(override string) (string, error) {
	if override != "" {
		if fi, err := os.Stat(override); err == nil && !fi.IsDir() {
			return override, nil
		}
		return "", &MissingToolError{Tool: override, Hint: "$" + RendererEnv + " names a renderer that does not exist; unset it to look next to tradeoff and on PATH"}
	}
	name := RendererName
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	if self, err := os.Executable(); err == nil {
		if resolved, err := filepath.EvalSymlinks(self); err == nil {
			self = resolved
		}
		p := filepath.Join(filepath.Dir(self), name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		}
	}
	if p, err := exec.LookPath(RendererName); err == nil {
		return p, nil
	}
	return "", &MissingToolError{Tool: RendererName, Hint: `SVG is laid out by the tradeoff-render binary, looked for next to tradeoff and on PATH.
Install it with: go install ./cmd/tradeoff-render (from the tradeoff source)
or build it next to tradeoff: go build -o "$(dirname "$(command -v tradeoff)")" ./cmd/tradeoff-render
DOT (-f dot) and Mermaid (-f mermaid) need nothing else`}
}

// RenderSVG lays out DOT source as SVG with the renderer at bin (see
// FindRenderer).
func RenderSVG(ctx context.Context, bin string, dot []byte) ([]byte, error) {
	return pipe(ctx, bin, dot, "-T", "svg")
}

// PNGConverter is the program that turns SVG into PNG. go-graphviz's own
// PNG output is drawn wrongly, so PNG goes through librsvg instead.
const PNGConverter = "rsvg-convert"

// SVGToPNG converts SVG to PNG at 1.5× scale (sharp on a high-density
// screen, small enough for a document) with a white background.
func SVGToPNG(ctx context.Context, svg []byte) ([]byte, error) {
	bin, err := exec.LookPath(PNGConverter)
	if err != nil {
		return nil, &MissingToolError{Tool: PNGConverter, Hint: `PNG is converted from the SVG by rsvg-convert (librsvg).
Install it with: apt-get install librsvg2-bin (Debian, Ubuntu), brew install librsvg (macOS)
or write SVG instead (-f svg), which every browser and most document tools show`}
	}
	return pipe(ctx, bin, svg, "--format=png", "--zoom=1.5", "--background-color=white")
}

// pipe runs bin with input on stdin and returns its stdout.
func pipe(ctx context.Context, bin string, input []byte, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, renderTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdin = bytes.NewReader(input)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			msg = fmt.Sprintf("gave up after %s", renderTimeout)
		}
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("%s failed: %s", filepath.Base(bin), msg)
	}
	if stdout.Len() == 0 {
		return nil, fmt.Errorf("%s wrote nothing", filepath.Base(bin))
	}
	return stdout.Bytes(), nil
}

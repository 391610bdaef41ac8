package diagram

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
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
	// A Graphviz installed on the machine lays out the same DOT.
	if p, err := exec.LookPath(NativeDot); err == nil {
		return p, nil
	}
	return "", &MissingToolError{Tool: RendererName, Hint: `SVG is laid out by the tradeoff-render binary, looked for next to tradeoff and on PATH, or else by Graphviz's dot on PATH.
Install both binaries with: go install github.com/tradeoff-dev/tradeoff/cmd/...@latest
or from the tradeoff source: go install ./cmd/...
or install Graphviz: apt-get install graphviz (Debian, Ubuntu), brew install graphviz (macOS)
DOT (-f dot) and Mermaid (-f mermaid) need nothing else`}
}

// NativeDot is Graphviz's own layout program, the fallback renderer.
const NativeDot = "dot"

// rendererArgs are the arguments that make bin write SVG from DOT on its
// standard input: Graphviz's dot takes -Tsvg, tradeoff-render -T svg.
func rendererArgs(bin string) []string {
	base := strings.TrimSuffix(filepath.Base(bin), ".exe")
	if base == NativeDot {
		return []string{"-Tsvg"}
	}
	return []string{"-T", "svg"}
}

// Renderer is a tradeoff-render process started before its input is ready.
// Graphviz's WebAssembly start-up costs the renderer tens of milliseconds,
// about as long as loading, estimating and reviewing a small design; started
// first, the two overlap on a second core instead of adding up.
type Renderer struct {
	cmd            *exec.Cmd
	stdin          io.WriteCloser
	stdout, stderr bytes.Buffer
	ctx            context.Context
	cancel         context.CancelFunc
	done           bool
}

// StartRenderer starts the renderer at bin, waiting for DOT on its standard
// input. Call SVG once, or Close if the input never comes.
func StartRenderer(ctx context.Context, bin string) (*Renderer, error) {
	r := &Renderer{}
	r.ctx, r.cancel = context.WithTimeout(ctx, renderTimeout)
	r.cmd = exec.CommandContext(r.ctx, bin, rendererArgs(bin)...)
	r.cmd.Stdout, r.cmd.Stderr = &r.stdout, &r.stderr
	// A grandchild holding the output pipes must not hold up Close.
	r.cmd.WaitDelay = time.Second
	var err error
	if r.stdin, err = r.cmd.StdinPipe(); err != nil {
		r.cancel()
		return nil, err
	}
	if err := r.cmd.Start(); err != nil {
		r.cancel()
		return nil, fmt.Errorf("%s failed: %v", filepath.Base(bin), err)
	}
	return r, nil
}

// SVG sends the DOT source and returns the laid-out SVG.
func (r *Renderer) SVG(dot []byte) ([]byte, error) {
	defer r.cancel()
	r.done = true
	_, werr := r.stdin.Write(dot)
	r.stdin.Close()
	err := r.cmd.Wait()
	if err == nil && werr != nil {
		err = werr
	}
	return finish(r.ctx, r.cmd.Path, err, &r.stdout, &r.stderr)
}

// Close stops a renderer whose input never came (the design did not load,
// say); after SVG, or on a nil Renderer, it does nothing.
func (r *Renderer) Close() {
	if r == nil || r.done {
		return
	}
	r.done = true
	r.cancel()
	r.stdin.Close()
	_ = r.cmd.Wait()
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
	return finish(ctx, bin, cmd.Run(), &stdout, &stderr)
}

// finish turns a finished helper process into its output or an error that
// says what went wrong in the helper's own words.
func finish(ctx context.Context, bin string, err error, stdout, stderr *bytes.Buffer) ([]byte, error) {
	if err != nil {
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

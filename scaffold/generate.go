package scaffold

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/tradeoff-dev/tradeoff/internal/safewrite"
	"github.com/tradeoff-dev/tradeoff/templates"
)

// Options control how Generate writes.
type Options struct {
	// Force allows writing into a non-empty directory. Generated files
	// replace files of the same name; other files are left alone.
	Force bool
	// Offline skips `go mod tidy` (which needs the module proxy or a warm
	// module cache); the project then needs it run once before it builds.
	Offline bool
	// Progress, if set, receives one line per step.
	Progress func(msg string)
	// GoCommand is the go binary to run; default "go".
	GoCommand string
	// Templates overrides the embedded template tree (for tests).
	Templates fs.FS
}

// Result says what Generate wrote.
type Result struct {
	Dir    string   // absolute output directory
	Files  []string // slash-separated paths relative to Dir, sorted
	Tidied bool     // go mod tidy ran (go.sum is present)
}

// ErrNotEmpty is returned when the output directory has files and Force is off.
var ErrNotEmpty = errors.New("output directory is not empty")

// Generate renders the project for p into dir. Everything is rendered and
// tidied in a staging directory next to dir first, so a failure at any step
// leaves dir as it was.
func Generate(ctx context.Context, p Params, dir string, opts Options) (*Result, error) {
	progress := opts.Progress
	if progress == nil {
		progress = func(string) {}
	}
	p = p.Defaults()
	if err := p.Validate(); err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("scaffold: output directory %q: %w", dir, err)
	}
	empty, err := checkTarget(abs, opts.Force)
	if err != nil {
		return nil, err
	}
	tfs := opts.Templates
	if tfs == nil {
		tfs = templatesFS()
	}
	files, err := render(tfs, p)
	if err != nil {
		return nil, err
	}
	progress(fmt.Sprintf("rendered %d files for %s + %s + %s behind %s", len(files), p.DB, p.Cache, p.Queue, p.LB))

	stage, err := safewrite.NewStage(abs)
	if err != nil {
		return nil, fmt.Errorf("scaffold: create staging directory: %w", err)
	}
	defer stage.Discard()
	for _, f := range files {
		if err := stage.WriteFile(f.Path, f.Data, f.Mode); err != nil {
			return nil, scaffoldError(err)
		}
	}
	res := &Result{Dir: abs}
	if !opts.Offline {
		progress("running go mod tidy (downloads the stack's modules on first use)")
		if err := tidy(ctx, stage.Dir, opts.GoCommand); err != nil {
			return nil, err
		}
		res.Tidied = true
	}
	if res.Files, err = stage.Files(); err != nil {
		return nil, err
	}
	if err := stage.Commit(empty); err != nil {
		return nil, scaffoldError(err)
	}
	progress(fmt.Sprintf("wrote %d files to %s", len(res.Files), abs))
	return res, nil
}

func templatesFS() fs.FS { return templates.Shortener() }

// checkTarget reports whether dir is missing or empty, and refuses a
// non-empty one unless force is set.
func checkTarget(dir string, force bool) (empty bool, err error) {
	fi, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("scaffold: output directory: %w", err)
	}
	if !fi.IsDir() {
		return false, fmt.Errorf("scaffold: output %s exists and is not a directory", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false, fmt.Errorf("scaffold: output directory: %w", err)
	}
	if len(entries) > 0 && !force {
		return false, fmt.Errorf("scaffold: %s: %w (hint: pick a new directory, or pass --force to replace the generated files in it)", dir, ErrNotEmpty)
	}
	return len(entries) == 0, nil
}

func tidy(ctx context.Context, dir, goCmd string) error {
	if goCmd == "" {
		goCmd = "go"
	}
	cmd := exec.CommandContext(ctx, goCmd, "mod", "tidy")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("scaffold: go mod tidy failed: %v\n%s(hint: check the network or module proxy, or pass --offline and run `go mod tidy` later)",
			err, lastLines(out.String(), 15))
	}
	return nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n") + "\n"
}

// scaffoldError words an error of the staged write as the scaffold's.
func scaffoldError(err error) error {
	var pe *safewrite.PathError
	if errors.As(err, &pe) {
		return &PathError{Path: pe.Path, Msg: pe.Msg}
	}
	return fmt.Errorf("scaffold: %w", err)
}

// Summary writes the list of files and the next commands, as the CLI shows them.
func (r *Result) Summary(w io.Writer, shownDir string) {
	fmt.Fprintf(w, "generated %d files in %s\n", len(r.Files), shownDir)
	for _, f := range r.Files {
		fmt.Fprintf(w, "  %s\n", f)
	}
	fmt.Fprintf(w, "\nnext:\n")
	if !r.Tidied {
		fmt.Fprintf(w, "  cd %s && go mod tidy && go run ./cmd/server\n", shownDir)
	} else {
		fmt.Fprintf(w, "  cd %s && go run ./cmd/server\n", shownDir)
	}
	fmt.Fprintf(w, "  cd %s && go test ./...\n", shownDir)
}

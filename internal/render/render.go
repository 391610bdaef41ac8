// Package render lays out DOT with Graphviz compiled to WebAssembly
// (github.com/goccy/go-graphviz). It is linked only into tradeoff-render:
// importing it costs every process a WebAssembly compile at start-up, which
// the fast commands (validate, estimate, review) must not pay.
//
// It guards against two traps of go-graphviz v0.2: formats other than SVG
// and DOT either fail or come out wrong (its PNG is drawn by a Go renderer
// that fills edges and drops outlines), and a failed render can leave the
// Graphviz instance broken for the renders after it. So the format is
// checked before Graphviz sees it, and after any error the instance is
// closed and a fresh one made.
package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/goccy/go-graphviz"
)

// Formats are the output formats go-graphviz renders correctly.
var Formats = []string{"svg", "dot"}

// Renderer owns one Graphviz instance.
type Renderer struct {
	gv *graphviz.Graphviz
}

// New starts Graphviz.
func New(ctx context.Context) (*Renderer, error) {
	gv, err := graphviz.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("starting graphviz: %w", err)
	}
	return &Renderer{gv: gv}, nil
}

// Close releases the instance.
func (r *Renderer) Close() error {
	if r.gv == nil {
		return nil
	}
	err := r.gv.Close()
	r.gv = nil
	return err
}

// Render lays out src (DOT) with dot and writes it in format.
func (r *Renderer) Render(ctx context.Context, src []byte, format string) ([]byte, error) {
	f, err := checkFormat(format)
	if err != nil {
		return nil, err
	}
	if r.gv == nil {
		if err := r.reset(ctx); err != nil {
			return nil, err
		}
	}
	out, err := r.render(ctx, src, f)
	if err != nil {
		// Whatever went wrong may have left the instance unusable.
		if rerr := r.reset(ctx); rerr != nil {
			return nil, errors.Join(err, rerr)
		}
		return nil, err
	}
	return out, nil
}

func (r *Renderer) render(ctx context.Context, src []byte, f graphviz.Format) ([]byte, error) {
	g, err := graphviz.ParseBytes(src)
	if err != nil {
		return nil, fmt.Errorf("invalid DOT: %w", err)
	}
	if g == nil {
		return nil, errors.New("invalid DOT: graphviz could not parse the input")
	}
	defer g.Close()
	var buf bytes.Buffer
	if err := r.gv.Render(ctx, g, f, &buf); err != nil {
		return nil, fmt.Errorf("graphviz layout failed: %w", err)
	}
	if buf.Len() == 0 {
		return nil, errors.New("graphviz produced no output")
	}
	return buf.Bytes(), nil
}

func (r *Renderer) reset(ctx context.Context) error {
	if r.gv != nil {
		_ = r.gv.Close()
		r.gv = nil
	}
	gv, err := graphviz.New(ctx)
	if err != nil {
		return fmt.Errorf("restarting graphviz: %w", err)
	}
	r.gv = gv
	return nil
}

func checkFormat(format string) (graphviz.Format, error) {
	switch format {
	case "svg":
		return graphviz.SVG, nil
	case "dot":
		return graphviz.XDOT, nil
	}
	return "", fmt.Errorf("unsupported format %q: tradeoff-render writes svg or dot (go-graphviz's own png and jpg are drawn wrongly, and other formats break the Graphviz instance)", format)
}

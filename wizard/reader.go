package wizard

import (
	"errors"
	"io"
)

// OneByteReader hands huh's accessible prompts their input one byte at a
// time. Each prompt reads through a new bufio.Scanner, which would
// otherwise swallow the answers meant for the prompts after it, so that
// piped answers after the first were lost and their examples taken in
// silence.
//
// It also notices when the input has run out: a prompt that finds no line
// at all takes its default without a word, which for piped answers means a
// missing answer, not a chosen one.
type OneByteReader struct {
	r io.Reader
	// pending counts bytes read since the last newline: input that ends
	// after a partial last line still answered that line's prompt.
	pending int
	ended   bool
	eof     bool
}

// NewOneByteReader wraps r.
func NewOneByteReader(r io.Reader) *OneByteReader { return &OneByteReader{r: r} }

func (b *OneByteReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	n, err := b.r.Read(p[:1])
	if n == 1 {
		if p[0] == '\n' {
			b.pending = 0
		} else {
			b.pending++
		}
	}
	if errors.Is(err, io.EOF) && n == 0 {
		b.eof = true
		if b.pending == 0 {
			b.ended = true
		}
		b.pending = 0
	}
	return n, err
}

// Ended reports whether a prompt asked for a line after the input ended.
func (b *OneByteReader) Ended() bool { return b.ended }

// EOF reports whether the input has ended, even after a last line without
// a newline.
func (b *OneByteReader) EOF() bool { return b.eof }

// Package wizard is what `tradeoff init` asks a newcomer: the questions, the
// talk's "how to choose" hint beside each choice, the huh forms that ask
// them, and the commented CUE design the answers become. It sits before the
// schema in the pipeline: it writes design text and never reads estimates
// or findings.
package wizard

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Answers holds what the user said, by question key, as text. A question
// with no answer takes its example: the talk's URL shortener's value, which
// the written file marks as an example to replace.
//
// The full-screen form reads answers from command goroutines (a title that
// names an operation is computed off the event loop) while the loop writes
// them as they are typed, so access is locked.
type Answers struct {
	mu     sync.RWMutex
	values map[string]string
}

// NewAnswers returns answers with nothing said yet.
func NewAnswers() *Answers { return &Answers{values: map[string]string{}} }

// Set records an answer. Values are kept as written ("3B/month", "99.95%"),
// the units people think in.
func (a *Answers) Set(key, value string) {
	if Lookup(key) == nil {
		panic("wizard: unknown question " + key)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.values[key] = value
}

// unset forgets an answer: the question takes its example again.
func (a *Answers) unset(key string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.values, key)
}

// answer returns what the user said, if anything.
func (a *Answers) answer(key string) (string, bool) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	v, ok := a.values[key]
	return v, ok
}

// Given reports whether the user answered the question (by a flag or in
// the form), rather than leaving it to the example.
func (a *Answers) Given(key string) bool {
	_, ok := a.answer(key)
	return ok
}

// Get returns the answer, or the question's example when there is none.
func (a *Answers) Get(key string) string {
	if v, ok := a.answer(key); ok {
		return v
	}
	q := Lookup(key)
	if q == nil {
		panic("wizard: unknown question " + key)
	}
	return q.Example
}

// Bool returns a yes/no answer.
func (a *Answers) Bool(key string) bool {
	b, _ := strconv.ParseBool(a.Get(key))
	return b
}

// List returns the chosen options of a several-choice answer.
func (a *Answers) List(key string) []string {
	v := a.Get(key)
	if v == "" {
		return nil
	}
	return strings.Split(v, ",")
}

// Has reports whether a several-choice answer includes the option.
func (a *Answers) Has(key, option string) bool { return slices.Contains(a.List(key), option) }

// Asked reports whether the question applies, given the answers so far
// (the queue is only asked about when there is background work).
func (a *Answers) Asked(q *Question) bool { return q.When == nil || q.When(a) }

// Check validates every answer that applies, in the order the form asks
// them, and returns the first problem. A question with no example and no
// answer is left out of the design, so it is not an error here.
func (a *Answers) Check() error {
	for _, q := range Questions() {
		if !a.Asked(q) {
			if a.Given(q.Key) {
				return fmt.Errorf("--%s does not apply: %s", q.Key, q.Unless)
			}
			continue
		}
		v := a.Get(q.Key)
		if v == "" && !a.Given(q.Key) {
			if q.Required {
				return fmt.Errorf("--%s is needed: %s", q.Key, strings.ToLower(q.Title[:1])+q.Title[1:])
			}
			continue
		}
		if err := q.Validate(a, v); err != nil {
			return fmt.Errorf("--%s %q: %v", q.Key, v, err)
		}
	}
	return nil
}

// opNames returns the operation names in use: read, write, and the
// background operation when there is one.
func (a *Answers) opNames() []string {
	names := []string{a.Get(KeyReadOp), a.Get(KeyWriteOp)}
	if a.Bool(KeyBackground) {
		names = append(names, a.Get(KeyBackgroundOp))
	}
	return names
}

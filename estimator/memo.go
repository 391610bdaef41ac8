package estimator

import "sync"

// memoTable remembers the results of a pure function within a process,
// for any goroutine (report estimates growth months in parallel). It is
// emptied when it reaches max entries, which bounds its memory; a result
// must never be modified by whoever receives it.
type memoTable[K comparable, V any] struct {
	mu  sync.Mutex
	m   map[K]V
	max int
}

func newMemoTable[K comparable, V any](max int) *memoTable[K, V] {
	return &memoTable[K, V]{m: map[K]V{}, max: max}
}

// get returns the remembered result for k, computing it on a miss.
func (t *memoTable[K, V]) get(k K, compute func() V) V {
	t.mu.Lock()
	v, ok := t.m[k]
	t.mu.Unlock()
	if ok {
		return v
	}
	v = compute()
	t.mu.Lock()
	if len(t.m) >= t.max {
		clear(t.m)
	}
	t.m[k] = v
	t.mu.Unlock()
	return v
}

func (t *memoTable[K, V]) reset() {
	t.mu.Lock()
	clear(t.m)
	t.mu.Unlock()
}

// Command refserver is the reference a generated shortener is measured
// against: a minimal Go net/http server that redirects from an in-memory
// map, with the same API (POST /api/links, GET /{code}). It is what "serve
// the redirect from memory" costs with no cache, database or queue behind
// it.
//
// With -work N every redirect first hashes its code N times (SHA-256), a
// known, fixed amount of CPU: bench/calibrate.sh uses it to make a server
// slow enough that 70% of its capacity is a rate the load generator, on
// the other core, can deliver.
package main

import (
	"crypto/sha256"
	"encoding/json"
	"flag"
	"log"
	"net/http"
	"strconv"
	"sync"
)

type store struct {
	work  int // SHA-256 rounds per redirect
	mu    sync.RWMutex
	links map[string]string
	next  uint64
}

func (s *store) create(w http.ResponseWriter, r *http.Request) {
	var req struct {
		URL string `json:"url"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&req); err != nil || req.URL == "" {
		http.Error(w, `{"error":"bad request"}`, http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.next++
	code := strconv.FormatUint(s.next+1e6, 36)
	s.links[code] = req.URL
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	json.NewEncoder(w).Encode(map[string]string{"code": code, "url": req.URL})
}

func (s *store) redirect(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	if s.work > 0 {
		sum := sha256.Sum256([]byte(code))
		for range s.work - 1 {
			sum = sha256.Sum256(sum[:])
		}
		w.Header().Set("X-Work", strconv.Itoa(int(sum[0])))
	}
	s.mu.RLock()
	url, ok := s.links[code]
	s.mu.RUnlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	http.Redirect(w, r, url, http.StatusFound)
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8091", "listen address")
	work := flag.Int("work", 0, "SHA-256 rounds per redirect: a fixed CPU cost per request")
	flag.Parse()
	s := &store{links: map[string]string{}, work: *work}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/links", s.create)
	mux.HandleFunc("GET /{code}", s.redirect)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	log.Fatal(http.ListenAndServe(*addr, mux))
}

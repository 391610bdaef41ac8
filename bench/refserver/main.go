// Command refserver is the reference a generated shortener is measured
// against: a minimal Go net/http server that redirects from an in-memory
// map, with the same API (POST /api/links, GET /{code}). It is what "serve
// the redirect from memory" costs with no cache, database or queue behind
// it.
package main

import (
	"encoding/json"
	"flag"
	"log"
	"net/http"
	"strconv"
	"sync"
)

type store struct {
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
	s.mu.RLock()
	url, ok := s.links[r.PathValue("code")]
	s.mu.RUnlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	http.Redirect(w, r, url, http.StatusFound)
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8091", "listen address")
	flag.Parse()
	s := &store{links: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/links", s.create)
	mux.HandleFunc("GET /{code}", s.redirect)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	log.Fatal(http.ListenAndServe(*addr, mux))
}

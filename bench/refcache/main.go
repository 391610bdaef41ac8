// Command refcache is the second reference for the generated shortener: the
// straightforward cache-aside server a careful engineer writes by hand —
// one Redis GET per redirect, PostgreSQL on a miss then a Redis SET, an
// INSERT per create — with no in-process cache and no queue. The Redis-hit
// path of the generated service should stay within 10% of it.
//
// It is its own module so that the CLI's go.mod does not carry a Redis or
// PostgreSQL client.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"log"
	"net/http"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"
)

type server struct {
	db    *pgxpool.Pool
	cache *redis.Client
	ttl   time.Duration
}

func (s *server) redirect(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	ctx := r.Context()
	url, err := s.cache.Get(ctx, "l:"+code).Result()
	if errors.Is(err, redis.Nil) {
		id, perr := strconv.ParseInt(code, 36, 64)
		if perr != nil {
			http.NotFound(w, r)
			return
		}
		err = s.db.QueryRow(ctx, "SELECT url FROM refcache_links WHERE id = $1", id).Scan(&url)
		if errors.Is(err, pgx.ErrNoRows) {
			http.NotFound(w, r)
			return
		}
		if err == nil {
			s.cache.Set(ctx, "l:"+code, url, s.ttl)
		}
	}
	if err != nil {
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	http.Redirect(w, r, url, http.StatusFound)
}

func (s *server) create(w http.ResponseWriter, r *http.Request) {
	var req struct {
		URL string `json:"url"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&req); err != nil || req.URL == "" {
		http.Error(w, `{"error":"bad request"}`, http.StatusBadRequest)
		return
	}
	var id int64
	if err := s.db.QueryRow(r.Context(), "INSERT INTO refcache_links (url) VALUES ($1) RETURNING id", req.URL).Scan(&id); err != nil {
		http.Error(w, `{"error":"unavailable"}`, http.StatusServiceUnavailable)
		return
	}
	code := strconv.FormatInt(id, 36)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	json.NewEncoder(w).Encode(map[string]string{"code": code, "url": req.URL})
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8096", "listen address")
	dbURL := flag.String("db", "postgres://postgres@127.0.0.1:5432/tradeoff_bench?sslmode=disable", "PostgreSQL URL")
	redisURL := flag.String("redis", "redis://127.0.0.1:6379/10", "Redis URL")
	conns := flag.Int("conns", 8, "PostgreSQL pool size")
	flag.Parse()

	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(*dbURL)
	if err != nil {
		log.Fatal(err)
	}
	cfg.MaxConns = int32(*conns)
	db, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := db.Exec(ctx, "CREATE TABLE IF NOT EXISTS refcache_links (id bigserial PRIMARY KEY, url text NOT NULL)"); err != nil {
		log.Fatal(err)
	}
	opt, err := redis.ParseURL(*redisURL)
	if err != nil {
		log.Fatal(err)
	}
	s := &server{db: db, cache: redis.NewClient(opt), ttl: 24 * time.Hour}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/links", s.create)
	mux.HandleFunc("GET /{code}", s.redirect)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	log.Fatal(http.ListenAndServe(*addr, mux))
}

// Command seed creates links through a shortener's API (POST /api/links)
// and writes the codes it gets back, one per line, for the load scripts to
// pick from. It seeds every server the same way, so each is measured on
// codes it really created. With -warm FILE it instead asks for every code
// in FILE once (GET /CODE, redirects not followed), however long the cache
// misses take, so that a warm run starts with every code cached.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "base URL of the shortener")
	n := flag.Int("n", 100000, "links to create")
	workers := flag.Int("c", 32, "concurrent requests")
	out := flag.String("o", "codes.txt", "file to write the codes to")
	warmFile := flag.String("warm", "", "instead of creating links, GET every code in this file once")
	flag.Parse()

	client := &http.Client{
		Timeout:       10 * time.Second,
		Transport:     &http.Transport{MaxIdleConnsPerHost: *workers},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	start := time.Now()
	if *warmFile != "" {
		b, err := os.ReadFile(*warmFile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "seed:", err)
			os.Exit(1)
		}
		codes := strings.Fields(string(b))
		if err := each(len(codes), *workers, func(i int) error { return get(client, *base, codes[i]) }); err != nil {
			fmt.Fprintln(os.Stderr, "seed:", err)
			os.Exit(1)
		}
		fmt.Printf("asked %d codes once at %s in %.1f s\n", len(codes), *base, time.Since(start).Seconds())
		return
	}
	codes := make([]string, *n)
	err := each(*n, *workers, func(i int) error {
		code, err := create(client, *base, i)
		codes[i] = code
		return err
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		os.Exit(1)
	}
	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		os.Exit(1)
	}
	bw := bufio.NewWriter(f)
	for _, c := range codes {
		fmt.Fprintln(bw, c)
	}
	if err := bw.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		os.Exit(1)
	}
	f.Close()
	fmt.Printf("seeded %d links at %s in %.1f s\n", *n, *base, time.Since(start).Seconds())
}

func create(client *http.Client, base string, i int) (string, error) {
	body := fmt.Sprintf(`{"url":"https://example.com/seed/%d"}`, i)
	resp, err := client.Post(base+"/api/links", "application/json", bytes.NewBufferString(body))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("POST %s/api/links: status %d: %s", base, resp.StatusCode, bytes.TrimSpace(b))
	}
	var r struct {
		Code string `json:"code"`
	}
	if err := json.Unmarshal(b, &r); err != nil || r.Code == "" {
		return "", fmt.Errorf("POST %s/api/links: no code in %q", base, b)
	}
	return r.Code, nil
}

// each calls do for 0..n-1 on workers goroutines and stops at the first
// error.
func each(n, workers int, do func(i int) error) error {
	jobs := make(chan int)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				if err := do(i); err != nil {
					errs <- err
					for range jobs {
					}
					return
				}
			}
		}()
	}
	for i := 0; i < n; i++ {
		jobs <- i
		if len(errs) > 0 {
			break
		}
	}
	close(jobs)
	wg.Wait()
	close(errs)
	return <-errs
}

// get asks for one code and wants a redirect.
func get(client *http.Client, base, code string) error {
	resp, err := client.Get(base + "/" + code)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode < 300 || resp.StatusCode > 399 {
		return fmt.Errorf("GET %s/%s: status %d, want a redirect", base, code, resp.StatusCode)
	}
	return nil
}

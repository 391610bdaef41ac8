// Command openloop is a constant-rate (open-loop) HTTP/1.1 load generator
// for bench/calibrate.sh, after wrk2's design: every request has a due
// time fixed before the run, whatever the server's answers do. The due
// times are a seeded Poisson process at the asked rate (exponential gaps,
// as many independent clients make, and as the estimator's M/M/c queues
// assume); -arrivals uniform spaces them evenly, as wrk2 does, which hides
// most queueing. A request that has to
// wait because its connection is still busy with a slow answer is timed
// from its due time, so queueing shows in the latency (no coordinated
// omission); one that waited only for the generator's own timer is timed
// from when it was sent.
//
// It exists because the two general-purpose generators on this 2-core
// machine could not deliver the rates calibration asks for from one core:
// vegeta managed about 650 requests/s of 5,000–7,000 asked, and a Go
// net/http client about 40,000 with every request late. openloop speaks
// just enough HTTP/1.1 over keep-alive connections (a GET, a status line,
// headers, a Content-Length or chunked body) to spend a few microseconds
// of CPU per request.
//
//	openloop -rate 5000 -duration 20s -targets FILE -o report.json
//
// FILE holds one URL per line (vegeta's "GET URL" lines are accepted too),
// all on one host; they are used in a seeded random order. Request i goes
// on connection i mod -conns; a connection still waiting for an answer
// sends its next request late, and the wait is counted. The report has
// the fields of `vegeta report -type=json` that bench/report reads:
// requests, rate (sent per second), throughput (answered per second),
// success (share of 2xx and 3xx answers) and latencies in nanoseconds.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// report mirrors the fields of vegeta's JSON report that bench/report reads.
type report struct {
	Latencies struct {
		P50  int64 `json:"50th"`
		P90  int64 `json:"90th"`
		P99  int64 `json:"99th"`
		Max  int64 `json:"max"`
		Mean int64 `json:"mean"`
	} `json:"latencies"`
	Requests   int     `json:"requests"`
	Rate       float64 `json:"rate"`
	Throughput float64 `json:"throughput"`
	Success    float64 `json:"success"`
	Late       int     `json:"late"` // sent over 1 ms after their time because their connection was still busy
	Errors     int     `json:"errors"`
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "openloop:", err)
		os.Exit(2)
	}
}

func run() error {
	rate := flag.Float64("rate", 1000, "requests per second")
	duration := flag.Duration("duration", 10*time.Second, "how long to send")
	targetsFile := flag.String("targets", "", "file of URLs on one host, one a line")
	conns := flag.Int("conns", 64, "keep-alive connections")
	timeout := flag.Duration("timeout", 2*time.Second, "longest a request may take")
	seed := flag.Uint64("seed", 1, "seed for the order of the targets and the arrival times")
	arrivals := flag.String("arrivals", "poisson", "poisson (exponential gaps) or uniform (evenly spaced)")
	out := flag.String("o", "", "write the JSON report here (default standard output)")
	flag.Parse()
	if *rate <= 0 || *duration <= 0 || *targetsFile == "" || *conns < 1 {
		return errors.New("-rate, -duration and -conns must be positive, -targets is required")
	}
	if *arrivals != "poisson" && *arrivals != "uniform" {
		return fmt.Errorf("-arrivals %q: want poisson or uniform", *arrivals)
	}
	host, reqs, err := readTargets(*targetsFile)
	if err != nil {
		return err
	}
	n := int(*rate * duration.Seconds())
	rng := rand.New(rand.NewPCG(*seed, 0))
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(rng.IntN(len(reqs)))
	}
	interval := float64(time.Second) / *rate
	dueAt := make([]time.Duration, n) // after start
	t := 0.0
	for i := range dueAt {
		dueAt[i] = time.Duration(t)
		if *arrivals == "poisson" {
			t += rng.ExpFloat64() * interval
		} else {
			t += interval
		}
	}
	lat := make([]time.Duration, n) // 0: failed
	sentAt := make([]time.Duration, n)
	busyLate := make([]bool, n) // sent over 1 ms late because its connection was still busy
	start := time.Now().Add(20 * time.Millisecond)
	var wg sync.WaitGroup
	for c := 0; c < min(*conns, n); c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			var conn net.Conn
			var br *bufio.Reader
			for i := c; i < n; i += *conns {
				due := start.Add(dueAt[i])
				// A connection that was free before its request was due
				// sleeps; Go's timers can wake it up to a millisecond late
				// when the process is idle, which is the generator's
				// lateness, not the server's, so such a request is timed
				// from when it was sent. A connection still busy with the
				// previous answer at the due time sends late because of
				// the server, and that wait is counted (timed from due).
				from := due
				if d := time.Until(due); d > 0 {
					time.Sleep(d)
					from = time.Now()
				}
				sentAt[i] = time.Since(due)
				if conn == nil {
					conn, err = net.DialTimeout("tcp", host, *timeout)
					if err != nil {
						conn = nil
						continue
					}
					br = bufio.NewReaderSize(conn, 16<<10)
				}
				conn.SetDeadline(time.Now().Add(*timeout))
				ok, err := roundTrip(conn, br, reqs[order[i]])
				if err != nil {
					conn.Close()
					conn = nil
				}
				if ok {
					lat[i] = max(time.Since(from), 1)
				}
				if from == due {
					busyLate[i] = sentAt[i] > time.Millisecond
				}
			}
			if conn != nil {
				conn.Close()
			}
		}(c)
	}
	wg.Wait()
	elapsed := time.Since(start)

	var r report
	r.Requests = n
	good := make([]time.Duration, 0, n)
	var sum, lastSend time.Duration
	for i, l := range lat {
		if l > 0 {
			good = append(good, l)
			sum += l
		} else {
			r.Errors++
		}
		if busyLate[i] {
			r.Late++
		}
		lastSend = max(lastSend, dueAt[i]+sentAt[i])
	}
	r.Rate = float64(n) / max(lastSend, dueAt[n-1], time.Millisecond).Seconds()
	r.Success = float64(len(good)) / float64(n)
	r.Throughput = float64(len(good)) / elapsed.Seconds()
	if len(good) > 0 {
		slices.Sort(good)
		q := func(p float64) int64 { return int64(good[min(len(good)-1, int(p*float64(len(good))))]) }
		r.Latencies.P50, r.Latencies.P90, r.Latencies.P99 = q(0.50), q(0.90), q(0.99)
		r.Latencies.Max = int64(good[len(good)-1])
		r.Latencies.Mean = int64(sum) / int64(len(good))
	}
	fmt.Fprintf(os.Stderr, "openloop: %d requests at %.0f/s asked, %.0f/s sent, %.1f%% answered 2xx/3xx, %d sent over 1 ms late behind a busy connection; p50 %.2f ms, p99 %.2f ms\n",
		n, *rate, r.Rate, 100*r.Success, r.Late, float64(r.Latencies.P50)/1e6, float64(r.Latencies.P99)/1e6)
	w := io.Writer(os.Stdout)
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// roundTrip sends one request and reads its answer. ok is a 2xx or 3xx
// answer; err means the connection cannot be used again.
func roundTrip(conn net.Conn, br *bufio.Reader, req []byte) (ok bool, err error) {
	if _, err := conn.Write(req); err != nil {
		return false, err
	}
	line, err := br.ReadSlice('\n')
	if err != nil {
		return false, err
	}
	// "HTTP/1.1 302 Found"
	if len(line) < 12 {
		return false, errors.New("short status line")
	}
	status, err := strconv.Atoi(string(line[9:12]))
	if err != nil {
		return false, err
	}
	length, chunked, closing := -1, false, false
	for {
		h, err := br.ReadSlice('\n')
		if err != nil {
			return false, err
		}
		if len(h) <= 2 {
			break
		}
		name, value, _ := strings.Cut(string(h), ":")
		value = strings.TrimSpace(value)
		switch strings.ToLower(name) {
		case "content-length":
			if length, err = strconv.Atoi(value); err != nil {
				return false, err
			}
		case "transfer-encoding":
			chunked = strings.EqualFold(value, "chunked")
		case "connection":
			closing = strings.EqualFold(value, "close")
		}
	}
	switch {
	case chunked:
		for {
			l, err := br.ReadString('\n')
			if err != nil {
				return false, err
			}
			size, err := strconv.ParseInt(strings.TrimSpace(strings.SplitN(l, ";", 2)[0]), 16, 64)
			if err != nil {
				return false, err
			}
			if _, err := br.Discard(int(size) + 2); err != nil {
				return false, err
			}
			if size == 0 {
				break
			}
		}
	case length > 0:
		if _, err := br.Discard(length); err != nil {
			return false, err
		}
	case length < 0 && status != 204 && status != 304:
		closing = true // the body runs to the end of the connection
	}
	ok = status >= 200 && status < 400
	if closing {
		return ok, errors.New("connection closed by the server")
	}
	return ok, nil
}

// readTargets reads the URLs and prepares each request's bytes.
func readTargets(path string) (host string, reqs [][]byte, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(sc.Text()), "GET "))
		if line == "" {
			continue
		}
		u, err := url.Parse(line)
		if err != nil || u.Scheme != "http" || u.Host == "" {
			return "", nil, fmt.Errorf("%s: %q is not an http:// URL", path, line)
		}
		if host == "" {
			host = u.Host
		} else if u.Host != host {
			return "", nil, fmt.Errorf("%s: every target must be on %s, not %s", path, host, u.Host)
		}
		reqs = append(reqs, []byte("GET "+u.RequestURI()+" HTTP/1.1\r\nHost: "+u.Host+"\r\n\r\n"))
	}
	if err := sc.Err(); err != nil {
		return "", nil, err
	}
	if len(reqs) == 0 {
		return "", nil, fmt.Errorf("%s: no targets", path)
	}
	return host, reqs, nil
}

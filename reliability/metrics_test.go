package reliability

import (
	"bufio"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// promSample is one scrape of a /metrics page: series (name plus sorted
// labels) to value.
type promSample map[string]float64

// scrape reads a Prometheus text page. It fails the test if the page cannot
// be read: a fault test whose metrics are gone has nothing to show.
// scrape reads url's metrics, trying three times: on the shared machine a
// scrape can wait out its timeout behind other sessions' builds, and the
// counters it reads only grow, so a late read costs nothing but precision.
func scrape(t *testing.T, url string) promSample {
	t.Helper()
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		var s promSample
		if s, err = tryScrape(url); err == nil {
			return s
		}
	}
	t.Fatalf("scrape %s (3 tries): %v", url, err)
	return nil
}

func tryScrape(url string) (promSample, error) {
	c := &http.Client{Timeout: 3 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	s := promSample{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			return nil, fmt.Errorf("bad line %q", line)
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			return nil, fmt.Errorf("bad value in %q", line)
		}
		name, labels, err := parseSeries(line[:i])
		if err != nil {
			return nil, err
		}
		s[seriesKey(name, labels)] = v
	}
	return s, sc.Err()
}

// parseSeries splits `name{a="x",b="y"}` into its name and labels.
func parseSeries(s string) (string, map[string]string, error) {
	name, rest, ok := strings.Cut(s, "{")
	labels := map[string]string{}
	if !ok {
		return s, labels, nil
	}
	rest = strings.TrimSuffix(rest, "}")
	for rest != "" {
		k, after, ok := strings.Cut(rest, `="`)
		if !ok {
			return "", nil, fmt.Errorf("bad labels in %q", s)
		}
		var v strings.Builder
		j := 0
		for ; j < len(after) && after[j] != '"'; j++ {
			if after[j] == '\\' && j+1 < len(after) {
				j++
			}
			v.WriteByte(after[j])
		}
		labels[strings.TrimPrefix(k, ",")] = v.String()
		if j >= len(after) {
			break
		}
		rest = after[j+1:]
	}
	return name, labels, nil
}

func seriesKey(name string, labels map[string]string) string {
	if len(labels) == 0 {
		return name
	}
	keys := slices.Sorted(maps.Keys(labels))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + strconv.Quote(labels[k])
	}
	return name + "{" + strings.Join(parts, ",") + "}"
}

// get returns the value of the series name with the given label pairs
// (k1, v1, k2, v2, ...), or 0 if the page has no such series.
func (s promSample) get(name string, kv ...string) float64 {
	labels := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		labels[kv[i]] = kv[i+1]
	}
	return s[seriesKey(name, labels)]
}

// has reports whether the series exists at all.
func (s promSample) has(name string, kv ...string) bool {
	labels := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		labels[kv[i]] = kv[i+1]
	}
	_, ok := s[seriesKey(name, labels)]
	return ok
}

// Metric names of the generated service (templates/shortener/base/internal/metrics).
const (
	mCache          = "shortener_cache_requests_total"
	mClicksRecorded = "shortener_clicks_recorded_total"
	mClicksDropped  = "shortener_clicks_dropped_total"
	mClicksUnconf   = "shortener_clicks_unconfirmed_total"
	mClicksPub      = "shortener_clicks_published_total"
	mClicksApplied  = "shortener_clicks_applied_total"
)

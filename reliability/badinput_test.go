package reliability

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tradeoff-dev/tradeoff/reliability/shortid"
)

// TestBadInput sends the generated service what an attacker or a broken
// client would, against real PostgreSQL and Redis: URLs it must refuse,
// bodies it must not read, codes that are not codes, and SQL metacharacters
// in every field. Each refusal is the documented status with a JSON error;
// nothing reaches the database but the links that were accepted, and those
// come back byte for byte.
func TestBadInput(t *testing.T) {
	requireEnabled(t)
	g := faultService(t)
	pg := startPostgres(t)
	rd := startRedis(t)
	svc := startServer(t, g, "DATABASE_URL="+pg.url(), "REDIS_URL="+rd.url())
	c := noRedirect(10 * time.Second)
	self := strings.TrimPrefix(svc.base, "http://")
	created, refused := 0, 0

	long := func(n int) string { // an https URL exactly n bytes long
		const prefix = "https://example.com/"
		return prefix + strings.Repeat("a", n-len(prefix))
	}
	body := func(url string) string {
		b, _ := json.Marshal(map[string]string{"url": url})
		return string(b)
	}

	t.Run("create", func(t *testing.T) {
		for _, tt := range []struct {
			name, body string
			status     int
		}{
			// Schemes other than http and https.
			{"javascript", body("javascript:alert(1)"), 400},
			{"javascript upper case", body("JavaScript:alert(document.cookie)"), 400},
			{"javascript with slashes", body("javascript://example.com/%0Aalert(1)"), 400},
			{"javascript after a space", body(" javascript:alert(1)"), 400},
			{"javascript after a tab", body("\tjavascript:alert(1)"), 400},
			{"data", body("data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="), 400},
			{"data upper case", body("DATA:text/html,<script>alert(1)</script>"), 400},
			{"file", body("file:///etc/passwd"), 400},
			{"file with host", body("file://localhost/etc/passwd"), 400},
			{"ftp", body("ftp://example.com/file"), 400},
			{"vbscript", body("vbscript:msgbox(1)"), 400},
			{"scheme-relative", body("//evil.example/x"), 400},
			{"no scheme", body("example.com/x"), 400},
			{"no host", body("https://"), 400},
			{"no host, path only", body("http:/etc/passwd"), 400},
			{"user info", body("https://user:pass@example.com/"), 400},
			{"newline (header injection)", body("https://example.com/\r\nSet-Cookie: a=b"), 400},
			{"NUL", body("https://example.com/\x00"), 400},
			{"space", body("https://exa mple.com/"), 400},

			// Length and size limits (MAX_URL_LENGTH 2048, body 8 KiB).
			{"url at the length limit", body(long(2048)), 201},
			{"url over the length limit", body(long(2049)), 400},
			{"body over the size limit", body(long(8 << 10)), 413},
			{"body of 1 MiB", body(long(1 << 20)), 413},
			{"body of 8 KiB of spaces", strings.Repeat(" ", 8<<10+1) + body("https://example.com/"), 413},

			// Malformed JSON.
			{"empty body", "", 400},
			{"truncated object", `{"url": "https://example.com/`, 400},
			{"not JSON", `url=https://example.com/`, 400},
			{"url is a number", `{"url": 1}`, 400},
			{"url is a list", `{"url": ["https://example.com/"]}`, 400},
			{"url is null", `{"url": null}`, 400},
			{"top-level null", `null`, 400},
			{"top-level list", `[{"url": "https://example.com/"}]`, 400},
			{"top-level string", `"https://example.com/"`, 400},
			{"unknown field", `{"url": "https://example.com/", "admin": true}`, 400},
			{"two objects", `{"url": "https://example.com/a"}{"url": "https://example.com/b"}`, 400},
			{"trailing junk", `{"url": "https://example.com/"} x`, 400},
			{"deeply nested", strings.Repeat(`{"url":`, 1000) + `"x"` + strings.Repeat("}", 1000), 400},

			// Links back to the service itself (BASE_URL https://sho.rt, or the
			// Host it was reached by): a short link to a short link loops.
			{"self by BASE_URL", body("https://sho.rt/abc"), 400},
			{"self by BASE_URL, upper case", body("HTTPS://SHO.RT/abc"), 400},
			{"self by BASE_URL, trailing dot", body("https://sho.rt./abc"), 400},
			{"self by BASE_URL, other port", body("http://sho.rt:8080/abc"), 400},
			{"self by request Host", body("http://" + self + "/abc"), 400},
			// The same service under other spellings of 127.0.0.1.
			{"self by localhost", body("http://localhost/abc"), 400},
			{"self by LOCALHOST., default port", body("http://LOCALHOST.:80/abc"), 400},
			{"self by 127.1", body("http://127.1/abc"), 400},
			{"self by decimal IPv4", body("http://2130706433/abc"), 400},
			{"self by hex IPv4", body("http://0x7f.0.0.1/abc"), 400},
			{"self by octal IPv4", body("http://0177.0.0.1/abc"), 400},
			{"self by IPv6 loopback", body("http://[::1]/abc"), 400},
			{"self by IPv4-mapped IPv6", body("http://[::ffff:127.0.0.1]/abc"), 400},
			{"self by BASE_URL, default port", body("https://sho.rt:443/abc"), 400},

			// SQL metacharacters in the JSON key.
			{"SQL in the key", `{"url'; DROP TABLE links;--": "https://example.com/"}`, 400},
		} {
			t.Run(tt.name, func(t *testing.T) {
				resp, err := c.Post(svc.base+"/api/links", "application/json", strings.NewReader(tt.body))
				if err != nil {
					t.Fatal(err)
				}
				data, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != tt.status {
					t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, data)
				}
				var out struct{ Code, Error string }
				if err := json.Unmarshal(data, &out); err != nil || resp.Header.Get("Content-Type") != "application/json" {
					t.Fatalf("answer is not JSON (%s, %v): %q", resp.Header.Get("Content-Type"), err, data)
				}
				if tt.status == 201 {
					created++
					if out.Code == "" {
						t.Fatalf("201 without a code: %s", data)
					}
				} else if out.Error == "" {
					t.Fatalf("%d without an error message: %s", tt.status, data)
				} else {
					refused++
				}
			})
		}
		for _, m := range []string{http.MethodGet, http.MethodPut, http.MethodDelete, http.MethodPatch} {
			req, _ := http.NewRequest(m, svc.base+"/api/links", strings.NewReader(body("https://example.com/")))
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusMethodNotAllowed {
				t.Errorf("%s /api/links = %d, want 405", m, resp.StatusCode)
			} else {
				refused++
			}
		}
	})

	// Codes outside base62 (or outside what Encode produces) are 404s that
	// never reach the cache or the database, on both routes that take one.
	badCodes := []string{
		"abc-def", "abc_def", "a.b", "~x", "a+b", "%27%20OR%201=1--", "1%3BDROP%20TABLE%20links", "%00",
		"..%2F..%2Fetc%2Fpasswd", "%E2%82%AC", "%C0%AE", "0abc", "00", "zzzzzzzzzzz", "LygHa16AHYG",
		"123456789012", strings.Repeat("z", 4000), "%F0%9F%98%80", "%7B%7B7*7%7D%7D",
	}
	t.Run("codes", func(t *testing.T) {
		for _, code := range badCodes {
			for _, path := range []string{"/" + code, "/api/links/" + code + "/stats"} {
				resp, err := c.Get(svc.base + path)
				if err != nil {
					t.Fatalf("GET %s: %v", path, err)
				}
				data, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusNotFound || resp.Header.Get("Location") != "" {
					t.Errorf("GET %.60s = %d (Location %q), want 404: %s", path, resp.StatusCode, resp.Header.Get("Location"), data)
				} else {
					refused++
				}
			}
		}
	})

	// SQL metacharacters inside accepted URLs: stored and returned byte for
	// byte, in the redirect and in the database.
	t.Run("SQL metacharacters round trip", func(t *testing.T) {
		for _, url := range []string{
			"https://example.com/'%3B%20DROP%20TABLE%20links%3B--",
			"https://example.com/x?q=1'%20OR%20'1'='1&r=\"x\"",
			"https://example.com/a';DROP_TABLE_links;--",
			`https://example.com/\';SELECT/**/pg_sleep(5);--`,
			"https://example.com/$1$$body$$?a=%25&b=_%_",
			"https://example.com/path#';--\"",
			"https://example.com/%27%22%5C%00",
			"https://example.com/ʼ＇«»",
		} {
			code, status, err := createLink(c, svc.base, url)
			if err != nil || status != http.StatusCreated {
				t.Errorf("create %q: %d %v", url, status, err)
				continue
			}
			created++
			resp, err := c.Get(svc.base + "/" + code)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != url {
				t.Errorf("GET /%s = %d to %q, want 302 to %q", code, resp.StatusCode, resp.Header.Get("Location"), url)
			}
			id, _ := shortid.Decode(code)
			if got := pg.mustQuery(fmt.Sprintf("SELECT url FROM links WHERE id = %d", id)); got != url {
				t.Errorf("database holds %q for %s, want %q", got, code, url)
			}
		}
	})

	// Headers over MaxHeaderBytes (16 KiB) are refused before any handler.
	t.Run("oversized headers", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, svc.base+"/healthz", nil)
		req.Header.Set("X-Junk", strings.Repeat("a", 64<<10))
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("64 KiB header: status %d, want 431", resp.StatusCode)
		} else {
			refused++
		}
	})

	// Clients that open connections and never finish their headers
	// (slowloris) must not stop others from being served, and are cut off
	// by ReadHeaderTimeout (5s).
	t.Run("slow headers", func(t *testing.T) {
		const n = 200
		conns := make([]net.Conn, 0, n)
		defer func() {
			for _, conn := range conns {
				conn.Close()
			}
		}()
		for i := 0; i < n; i++ {
			conn, err := net.Dial("tcp", self)
			if err != nil {
				t.Fatalf("connection %d: %v", i, err)
			}
			fmt.Fprintf(conn, "GET /healthz HTTP/1.1\r\nHost: %s\r\nX-Slow: ", self)
			conns = append(conns, conn)
		}
		start := time.Now()
		var worst time.Duration
		for i := 0; i < 20; i++ {
			t0 := time.Now()
			resp, err := c.Get(svc.base + "/healthz")
			if err != nil {
				t.Fatalf("a normal request with %d slow clients connected: %v", n, err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET /healthz with %d slow clients connected: %d", n, resp.StatusCode)
			}
			worst = max(worst, time.Since(t0))
		}
		// The server closes each after ReadHeaderTimeout: a read then
		// ends (EOF or a 408) instead of waiting for ever.
		cut := 0
		for _, conn := range conns {
			conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			if _, err := io.ReadAll(conn); err == nil {
				cut++
			}
		}
		figure(t, "slow headers: %d connections that never finish their headers; 20 normal requests meanwhile, slowest %v; %d of %d closed by the server within %v",
			n, ms(worst), cut, n, time.Since(start).Round(100*time.Millisecond))
		if cut != n {
			t.Errorf("%d of %d slow connections still open 10s after ReadHeaderTimeout (5s)", n-cut, n)
		}
	})

	// Nothing but the accepted links reached the database, and its tables
	// are whole.
	if got := pg.mustQuery("SELECT count(*) FROM links"); got != strconv.Itoa(created) {
		t.Errorf("links table has %s rows, want the %d links accepted", got, created)
	}
	if got := pg.mustQuery("SELECT to_regclass('links') IS NOT NULL AND to_regclass('click_batches') IS NOT NULL"); got != "t" {
		t.Errorf("tables missing after the bad input: %s", got)
	}
	figure(t, "bad input: %d requests refused as documented, %d links accepted and stored byte for byte", refused, created)
}

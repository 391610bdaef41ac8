package reliability

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Every server below is a child of the test, on a port of its own, with its
// data in a directory of its own: the machine's own services on the
// standard ports are never touched.

// redisServer is a redis-server the test started.
type redisServer struct {
	t    *testing.T
	bin  string
	dir  string
	port int
	p    *proc
}

func startRedis(t *testing.T) *redisServer {
	t.Helper()
	r := &redisServer{t: t, bin: need(t, "redis-server", "Debian package redis-server"), dir: t.TempDir(), port: freePort(t)}
	r.start()
	return r
}

func (r *redisServer) addr() string { return fmt.Sprintf("127.0.0.1:%d", r.port) }
func (r *redisServer) url() string  { return "redis://" + r.addr() + "/0" }

// start runs a fresh, empty server on the same port (Redis keeps nothing on
// disk here, as on the CI machine).
func (r *redisServer) start() {
	r.t.Helper()
	r.p = startProc(r.t, "redis-server", procOptions{dir: r.dir}, r.bin,
		"--port", strconv.Itoa(r.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
		"--dir", r.dir, "--daemonize", "no")
	waitFor(r.t, "redis-server on "+r.addr(), 10*time.Second, func() bool { return listening(r.addr()) })
}

// stop shuts the server down (SIGTERM to its PID) and waits for it to exit.
func (r *redisServer) stop() {
	r.t.Helper()
	r.p.stop(10 * time.Second)
}

// natsServer is a nats-server with JetStream the test started. Its store
// directory outlives a restart, as a real deployment's would.
type natsServer struct {
	t     *testing.T
	bin   string
	store string
	port  int
	p     *proc
}

func startNATS(t *testing.T) *natsServer {
	t.Helper()
	n := &natsServer{t: t, bin: need(t, "nats-server", "Debian package nats-server"), store: t.TempDir(), port: freePort(t)}
	n.start()
	return n
}

func (n *natsServer) addr() string { return fmt.Sprintf("127.0.0.1:%d", n.port) }
func (n *natsServer) url() string  { return "nats://" + n.addr() }

func (n *natsServer) start() {
	n.t.Helper()
	n.p = startProc(n.t, "nats-server", procOptions{}, n.bin,
		"-a", "127.0.0.1", "-p", strconv.Itoa(n.port), "-js", "-sd", n.store)
	waitFor(n.t, "nats-server on "+n.addr(), 15*time.Second, func() bool { return listening(n.addr()) })
}

func (n *natsServer) stop() {
	n.t.Helper()
	n.p.stop(10 * time.Second)
}

// pgCluster is a PostgreSQL cluster of the test's own: initdb'd once per
// test binary into a template, copied for each test, and run by the
// postmaster directly (so the test holds its PID). As root, it runs as the
// postgres user, which owns its directory.
type pgCluster struct {
	t      *testing.T
	bindir string
	root   string // owned by the server's user; data/ and the socket live here
	port   int
	cred   *syscall.Credential
	p      *proc
}

var pgTemplate struct {
	once sync.Once
	dir  string // root holding data/, made by initdb
	err  error
}

// pgBinDir finds PostgreSQL's server binaries: PG_BINDIR, the directory of
// a `postgres` or `initdb` on PATH (following Debian's symlinks), or the
// newest /usr/lib/postgresql/*/bin.
func pgBinDir(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("PG_BINDIR"); d != "" {
		return d
	}
	for _, name := range []string{"postgres", "initdb"} {
		if p, err := exec.LookPath(name); err == nil {
			if real, err := filepath.EvalSymlinks(p); err == nil {
				if _, err := os.Stat(filepath.Join(filepath.Dir(real), "postgres")); err == nil {
					return filepath.Dir(real)
				}
			}
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "postgres")); err == nil {
			return d
		}
	}
	t.Fatal("PostgreSQL server binaries (postgres, initdb) not found (Debian package postgresql); set PG_BINDIR to their directory")
	return ""
}

func versionOf(bindir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(bindir)))
	return n
}

// pgCredential is the user the server runs as: postgres when the test is
// root (PostgreSQL refuses to run as root), else the test's own user.
func pgCredential(t *testing.T) *syscall.Credential {
	t.Helper()
	if os.Geteuid() != 0 {
		return nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		t.Fatalf("running as root needs a postgres user to run the test cluster as: %v", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
}

// ownedDir makes a directory outside the test's 0700 temp dirs (which the
// postgres user could not enter) and removes it when the test ends.
func ownedDir(t *testing.T, cred *syscall.Credential, pattern string) string {
	t.Helper()
	dir, err := os.MkdirTemp("", pattern)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func pgInitTemplate(t *testing.T, bindir string, cred *syscall.Credential) string {
	t.Helper()
	pgTemplate.once.Do(func() {
		dir, err := os.MkdirTemp("", "reliability-pgtemplate-")
		if err != nil {
			pgTemplate.err = err
			return
		}
		pgTemplate.dir = dir
		cleanups = append(cleanups, func() { os.RemoveAll(dir) })
		if cred != nil {
			if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
				pgTemplate.err = err
				return
			}
		}
		cmd := exec.Command(filepath.Join(bindir, "initdb"), "-D", filepath.Join(dir, "data"),
			"-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions")
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		if out, err := cmd.CombinedOutput(); err != nil {
			pgTemplate.err = fmt.Errorf("initdb: %v\n%s", err, out)
		}
	})
	if pgTemplate.err != nil {
		t.Fatal(pgTemplate.err)
	}
	return filepath.Join(pgTemplate.dir, "data")
}

// startPostgres starts a cluster of the test's own on a free port.
func startPostgres(t *testing.T) *pgCluster {
	t.Helper()
	c := &pgCluster{t: t, bindir: pgBinDir(t), cred: pgCredential(t), port: freePort(t)}
	tmpl := pgInitTemplate(t, c.bindir, c.cred)
	c.root = ownedDir(t, c.cred, "reliability-pg-")
	// cp -a keeps the owner and the 0700 mode PostgreSQL insists on.
	if out, err := exec.Command("cp", "-a", tmpl, filepath.Join(c.root, "data")).CombinedOutput(); err != nil {
		t.Fatalf("copy the template cluster: %v\n%s", err, out)
	}
	c.start()
	return c
}

func (c *pgCluster) url() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port)
}

// start runs the postmaster and waits until it accepts queries.
func (c *pgCluster) start() {
	c.t.Helper()
	c.p = startProc(c.t, "postgres", procOptions{dir: c.root, cred: c.cred, stopSignal: syscall.SIGINT},
		filepath.Join(c.bindir, "postgres"), "-D", filepath.Join(c.root, "data"), "-p", strconv.Itoa(c.port),
		"-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="+c.root,
		"-c", "max_connections=60", "-c", "shared_buffers=32MB", "-c", "log_min_messages=warning")
	waitFor(c.t, "PostgreSQL on port "+strconv.Itoa(c.port), 30*time.Second, func() bool {
		if c.p.exited() {
			c.t.Fatalf("postgres exited: %v\n%s", c.p.err, tail(c.p.out.String(), 20))
		}
		_, err := c.query("SELECT 1")
		return err == nil
	})
}

// crash stops the server the way a crash would: an "immediate" shutdown
// (SIGQUIT to the postmaster's PID) ends every backend at once, without a
// checkpoint, so the restart replays the WAL. Only commits that were
// durable survive it.
func (c *pgCluster) crash() {
	c.t.Helper()
	if err := c.p.signal(syscall.SIGQUIT); err != nil {
		c.t.Fatal(err)
	}
	if !c.p.wait(15 * time.Second) {
		c.t.Fatal("postgres did not stop within 15s of SIGQUIT")
	}
}

// query runs sql through psql and returns its unaligned, tuples-only output.
func (c *pgCluster) query(sql string) (string, error) {
	psql := filepath.Join(c.bindir, "psql")
	if _, err := os.Stat(psql); err != nil {
		psql = "psql"
	}
	cmd := exec.Command(psql, "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1",
		"-h", "127.0.0.1", "-p", strconv.Itoa(c.port), "-U", "postgres", "-d", "postgres", "-c", sql)
	cmd.Env = append(os.Environ(), "PGCONNECT_TIMEOUT=2")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("psql %q: %v: %s", sql, err, strings.TrimSpace(string(out)))
	}
	return strings.TrimRight(string(out), "\n"), nil
}

func (c *pgCluster) mustQuery(sql string) string {
	c.t.Helper()
	out, err := c.query(sql)
	if err != nil {
		c.t.Fatal(err)
	}
	return out
}

// devKafka is the generated project's devkafka (franz-go's kfake, a Kafka
// protocol broker in one process), started by the test on a free port with
// a data directory that outlives its restart, as a Kafka broker's log
// does. (In memory only, a restart came back empty, with the topic under a
// new id that the service's producer never found again.)
type devKafka struct {
	t    *testing.T
	bin  string
	data string
	port int
	p    *proc
}

func startDevKafka(t *testing.T, g *generated) *devKafka {
	t.Helper()
	k := &devKafka{t: t, bin: filepath.Join(g.bin, "devkafka"), data: t.TempDir(), port: freePort(t)}
	k.start()
	return k
}

func (k *devKafka) addr() string { return fmt.Sprintf("127.0.0.1:%d", k.port) }
func (k *devKafka) name() string { return "devkafka" }
func (k *devKafka) env() string  { return "KAFKA_BROKERS=" + k.addr() }

func (k *devKafka) start() {
	k.t.Helper()
	k.p = startProc(k.t, "devkafka", procOptions{}, k.bin, "-port", strconv.Itoa(k.port), "-data", k.data)
	waitFor(k.t, "devkafka on "+k.addr(), 15*time.Second, func() bool { return listening(k.addr()) })
}

// stop sends SIGTERM to its PID and waits for it to exit.
func (k *devKafka) stop() {
	k.t.Helper()
	k.p.stop(10 * time.Second)
}

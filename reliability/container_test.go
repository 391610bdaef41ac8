package reliability

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tradeoff-dev/tradeoff/scaffold"
)

// podmanRun are the flags every container of these tests runs with on this
// machine: its cgroups are a v1/v2 hybrid that crun refuses ("cgroups in
// hybrid mode not supported"), so runc runs them; and raising a container's
// RLIMIT_NOFILE or RLIMIT_NPROC is refused, so both are set below the
// machine's own limits. RELIABILITY.md has the exact errors.
var podmanRun = []string{"--runtime", "runc", "run", "--ulimit", "nofile=8192:8192", "--ulimit", "nproc=4096:4096"}

// scratchContainerfile is the generated Containerfile's final stage on a
// scratch base with the binaries built here: no registry is reachable from
// this machine, so neither the golang build stage nor the distroless base
// can be pulled. Every line replaced must be in the generated file, so a
// change of the template cannot go unnoticed.
func scratchContainerfile(t *testing.T, generated string) string {
	t.Helper()
	_, final, ok := strings.Cut(generated, "\nFROM gcr.io/distroless/static-debian12:nonroot\n")
	if !ok {
		t.Fatalf("the generated Containerfile has no distroless final stage:\n%s", generated)
	}
	for old, repl := range map[string]string{
		"COPY --from=build /out/ /": "COPY out/ /",
		// distroless's nonroot user is 65532; scratch has no /etc/passwd.
		"USER nonroot:nonroot": "USER 65532:65532",
	} {
		if !strings.Contains(final, old) {
			t.Fatalf("the generated Containerfile's final stage has no %q:\n%s", old, final)
		}
		final = strings.Replace(final, old, repl, 1)
	}
	return "FROM scratch\n" + final
}

// TestContainerImage builds the generated service's image with podman (a
// static binary, CGO_ENABLED=0, on scratch, non-root) and runs it on the
// host network against a PostgreSQL and a Redis of the test's own: it must
// answer /healthz and /readyz, create a link and redirect to it.
func TestContainerImage(t *testing.T) {
	requireEnabled(t)
	podman := need(t, "podman", "scripts/ci-tools.sh installs podman and runc")
	need(t, "runc", "scripts/ci-tools.sh installs runc")
	g := generate(t, "postgres+redis behind "+scaffold.LBNginx, fleetStack(scaffold.LBNginx), "./cmd/server", "./cmd/fleet")
	ctxDir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", filepath.Join(ctxDir, "out")+"/", "./cmd/server")
	build.Dir = g.dir
	build.Env = append(childEnv(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("static build: %v\n%s", err, out)
	}
	if out, err := exec.Command("file", filepath.Join(ctxDir, "out", "server")).CombinedOutput(); err == nil && !strings.Contains(string(out), "statically linked") {
		t.Fatalf("the server is not static: %s", out)
	}
	src, err := os.ReadFile(filepath.Join(g.dir, "Containerfile"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(ctxDir, "Containerfile"), []byte(scratchContainerfile(t, string(src))), 0o644); err != nil {
		t.Fatal(err)
	}
	image := "localhost/tradeoff-reliability:" + runID(t)
	start := time.Now()
	if out, err := exec.CommandContext(ctx, podman, "build", "-t", image, "-f", "Containerfile", ctxDir).CombinedOutput(); err != nil {
		t.Fatalf("podman build: %v\n%s", err, out)
	}
	built := time.Since(start)
	t.Cleanup(func() { _ = exec.Command(podman, "rmi", "-f", image).Run() })
	inspect, err := exec.Command(podman, "image", "inspect", "--format", "{{.Config.User}} {{.Config.Entrypoint}} {{.Size}}", image).CombinedOutput()
	if err != nil {
		t.Fatalf("podman image inspect: %v\n%s", err, inspect)
	}
	if !strings.HasPrefix(string(inspect), "65532:65532 [/server]") {
		t.Errorf("image user and entrypoint: %s, want 65532:65532 [/server]", inspect)
	}

	pg := startPostgres(t)
	rd := startRedis(t)
	port := freePort(t)
	name := "tradeoff-reliability-" + runID(t)
	args := append(append([]string{}, podmanRun...), "--rm", "--name", name, "--network", "host",
		"-e", "DATABASE_URL="+pg.url(), "-e", "REDIS_URL="+rd.url(), "-e", fmt.Sprintf("LISTEN_ADDR=127.0.0.1:%d", port),
		"-e", "BASE_URL=https://sho.rt", "-e", "DRAIN_DELAY=0", "-e", "MIGRATE=true", image)
	c := startProc(t, "container", procOptions{}, podman, args...)
	t.Cleanup(func() { _ = exec.Command(podman, "rm", "-f", "-t", "5", name).Run() })
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	waitFor(t, "the container's /healthz", 60*time.Second, func() bool {
		if c.exited() {
			t.Fatalf("the container exited: %v\n%s", c.err, tail(c.out.String(), 20))
		}
		return getStatus(base+"/healthz") == http.StatusOK
	})
	if st := readyStatus(base); st != http.StatusOK {
		t.Errorf("/readyz %d", st)
	}
	createAndResolve(t, base, "https://example.org/"+runID(t)+"/container", tail(c.out.String(), 20))
	figure(t, "image %s (%s) built in %v; served /healthz, a create and its redirect", image, strings.TrimSpace(string(inspect)), built.Round(time.Millisecond))
}

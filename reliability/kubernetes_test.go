package reliability

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tradeoff-dev/tradeoff/scaffold"
)

// kubeTools returns the directory with kube-apiserver and kubectl at the
// version of k8s.io/api, built by scripts/kube-tools.sh (CI's ci-tools.sh
// builds them first; here the script only finds them).
func kubeTools(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("../scripts/kube-tools.sh").Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("scripts/kube-tools.sh: %v\n%s", err, tail(stderr, 30))
	}
	return strings.TrimSpace(string(out))
}

// apiServer is a kube-apiserver of the test's own on 127.0.0.1, on an
// etcd of its own, reached with a kubeconfig.
type apiServer struct {
	kubectl, kubeconfig string
}

func startAPIServer(t *testing.T) *apiServer {
	t.Helper()
	bin := kubeTools(t)
	etcd := need(t, "etcd", "scripts/ci-tools.sh installs etcd-server")
	dir := t.TempDir()
	client, peer := freePort(t), freePort(t)
	etcdURL := fmt.Sprintf("http://127.0.0.1:%d", client)
	e := startProc(t, "etcd", procOptions{dir: dir}, etcd, "--data-dir", filepath.Join(dir, "etcd"),
		"--listen-client-urls", etcdURL, "--advertise-client-urls", etcdURL,
		"--listen-peer-urls", fmt.Sprintf("http://127.0.0.1:%d", peer), "--initial-advertise-peer-urls", fmt.Sprintf("http://127.0.0.1:%d", peer),
		"--initial-cluster", fmt.Sprintf("default=http://127.0.0.1:%d", peer))
	waitFor(t, "etcd", 30*time.Second, func() bool {
		if e.exited() {
			t.Fatalf("etcd exited: %v\n%s", e.err, tail(e.out.String(), 20))
		}
		return listening(fmt.Sprintf("127.0.0.1:%d", client))
	})
	key := filepath.Join(dir, "sa.key")
	if out, err := exec.Command("openssl", "genrsa", "-out", key, "2048").CombinedOutput(); err != nil {
		t.Fatalf("openssl genrsa: %v\n%s", err, out)
	}
	const token = "tradeoff-test-token"
	tokens := filepath.Join(dir, "tokens.csv")
	if err := os.WriteFile(tokens, []byte(token+",admin,admin,system:masters\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	kas := startProc(t, "kube-apiserver", procOptions{dir: dir}, filepath.Join(bin, "kube-apiserver"),
		"--etcd-servers", etcdURL, "--bind-address", "127.0.0.1", "--secure-port", fmt.Sprint(port),
		"--cert-dir", filepath.Join(dir, "certs"), "--authorization-mode", "AlwaysAllow", "--token-auth-file", tokens,
		"--service-account-issuer", "https://kubernetes.default.svc", "--service-account-key-file", key,
		"--service-account-signing-key-file", key, "--service-cluster-ip-range", "10.0.0.0/24")
	base := fmt.Sprintf("https://127.0.0.1:%d", port)
	// The server's certificate is the self-signed one it just made.
	c := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} // #nosec G402 -- a test's own server on 127.0.0.1
	waitFor(t, "kube-apiserver's /readyz", 90*time.Second, func() bool {
		if kas.exited() {
			t.Fatalf("kube-apiserver exited: %v\n%s", kas.err, tail(kas.out.String(), 30))
		}
		req, _ := http.NewRequest(http.MethodGet, base+"/readyz", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := c.Do(req)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	kubeconfig := filepath.Join(dir, "kubeconfig")
	conf := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: test
  cluster: {server: %q, insecure-skip-tls-verify: true}
users:
- name: admin
  user: {token: %q}
contexts:
- name: test
  context: {cluster: test, user: admin}
current-context: test
`, base, token)
	if err := os.WriteFile(kubeconfig, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	return &apiServer{kubectl: filepath.Join(bin, "kubectl"), kubeconfig: kubeconfig}
}

// dryRun applies a kustomize directory with server-side apply, dry run:
// the API server validates, defaults and admits every object, and stores
// none.
func (a *apiServer) dryRun(dir string) (string, error) {
	out, err := exec.Command(a.kubectl, "--kubeconfig", a.kubeconfig, "apply", "--server-side", "--dry-run=server", "-k", dir).CombinedOutput()
	return string(out), err
}

var dryApplied = regexp.MustCompile(`(?m)^\S+ serverside-applied \(server dry run\)$`)

// TestKubernetesServerDryRun applies every generated stack's
// deploy/kubernetes to a real kube-apiserver (v1.37.2, the version of
// k8s.io/api) with server-side dry-run: each object must be accepted. A
// copy with a Deployment's replicas made negative must be refused, so the
// check is known to bite.
func TestKubernetesServerDryRun(t *testing.T) {
	requireEnabled(t)
	api := startAPIServer(t)
	stacks := map[string]*generated{
		"postgres+redis+nats, managed balancer": faultService(t),
		"postgres+redis behind nginx":           fleetService(t, scaffold.LBNginx),
		"postgres+redis behind haproxy":         fleetService(t, scaffold.LBHAProxy),
	}
	for name, g := range stacks {
		dir := filepath.Join(g.dir, "deploy", "kubernetes")
		out, err := api.dryRun(dir)
		applied := len(dryApplied.FindAllString(out, -1))
		files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
		docs := 0
		for _, f := range files {
			if filepath.Base(f) == "kustomization.yaml" {
				continue
			}
			data, _ := os.ReadFile(f)
			docs += strings.Count("\n"+string(data), "\n---\n") + 1
		}
		figure(t, "%s: %d objects applied with server-side dry-run", name, applied)
		if err != nil || applied != docs {
			t.Errorf("%s: kubectl apply --server-side --dry-run=server -k: %v; %d of %d objects applied\n%s", name, err, applied, docs, out)
		}
	}
	// The control: the server refuses what is invalid.
	bad := t.TempDir()
	src := filepath.Join(stacks["postgres+redis behind nginx"].dir, "deploy", "kubernetes")
	if out, err := exec.Command("cp", "-r", src+"/.", bad).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v\n%s", err, out)
	}
	server, err := os.ReadFile(filepath.Join(bad, "server.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	broken := regexp.MustCompile(`(?m)^  replicas: \d+$`).ReplaceAllString(string(server), "  replicas: -1")
	if broken == string(server) {
		t.Fatal("server.yaml has no spec.replicas line to break")
	}
	if err := os.WriteFile(filepath.Join(bad, "server.yaml"), []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := api.dryRun(bad)
	if err == nil || !strings.Contains(out, "spec.replicas: Invalid value: -1") {
		t.Errorf("a Deployment with replicas -1 was not refused: %v\n%s", err, out)
	}
}

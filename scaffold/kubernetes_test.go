package scaffold

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"sigs.k8s.io/yaml"
)

// manifests renders a project and decodes every document of its
// deploy/kubernetes files strictly into its k8s.io/api type: an unknown
// or misspelt field fails, as a server-side apply would refuse it.
func manifests(t *testing.T, p Params) map[string]any {
	t.Helper()
	files, err := render(templatesFS(), p.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	var listed []string
	for _, f := range files {
		if !strings.HasPrefix(f.Path, "deploy/kubernetes/") {
			continue
		}
		if strings.HasSuffix(f.Path, "kustomization.yaml") {
			var k struct {
				Resources []string `json:"resources"`
			}
			if err := yaml.Unmarshal(f.Data, &k); err != nil {
				t.Fatalf("%s: %v", f.Path, err)
			}
			listed = k.Resources
			continue
		}
		for i, doc := range bytes.Split(f.Data, []byte("\n---\n")) {
			var meta struct {
				Kind     string `json:"kind"`
				Metadata struct {
					Name string `json:"name"`
				} `json:"metadata"`
			}
			if err := yaml.Unmarshal(doc, &meta); err != nil {
				t.Fatalf("%s document %d: %v", f.Path, i, err)
			}
			var obj any
			switch meta.Kind {
			case "Deployment":
				obj = &appsv1.Deployment{}
			case "Service":
				obj = &corev1.Service{}
			case "ConfigMap":
				obj = &corev1.ConfigMap{}
			case "HorizontalPodAutoscaler":
				obj = &autoscalingv2.HorizontalPodAutoscaler{}
			case "PodDisruptionBudget":
				obj = &policyv1.PodDisruptionBudget{}
			case "NetworkPolicy":
				obj = &networkingv1.NetworkPolicy{}
			case "Job":
				obj = &batchv1.Job{}
			default:
				t.Fatalf("%s document %d: unexpected kind %q", f.Path, i, meta.Kind)
			}
			if err := yaml.UnmarshalStrict(doc, obj); err != nil {
				t.Fatalf("%s document %d (%s): %v", f.Path, i, meta.Kind, err)
			}
			out[meta.Kind+"/"+meta.Metadata.Name] = obj
		}
		name := strings.TrimPrefix(f.Path, "deploy/kubernetes/")
		found := false
		for _, r := range listed {
			found = found || r == name
		}
		if listed != nil && !found {
			t.Errorf("%s is generated but kustomization.yaml does not list it", f.Path)
		}
	}
	return out
}

// TestKubernetesManifestsFollowTheDesign: the numbers in the manifests are
// the design's and the estimate's, for every stack the scaffold generates.
func TestKubernetesManifestsFollowTheDesign(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    Params
		// want
		hpaMin, hpaMax, pdb int
		spread, worker, job bool
	}{
		{"three zones, a broker", Params{DesignName: "links", DB: DBPostgres, Cache: CacheRedis, Queue: QueueKafka, LB: LBNginx,
			Instances: 6, CPU: 4, MemoryGiB: 16, Zones: 3, TargetUtilization: 0.7, NeededPeak: 4, NeededHorizon: 9, Workers: 3},
			5, 10, 4, true, true, true},
		{"one zone, no broker", Params{DesignName: "tiny", DB: DBMySQL, Cache: CacheNone, Queue: QueueNone, LB: LBHAProxy,
			Instances: 2, CPU: 2, MemoryGiB: 8, Zones: 1, TargetUtilization: 0.6, NeededPeak: 1, NeededHorizon: 1},
			2, 2, 1, false, false, true},
		{"needs more than it runs", Params{DesignName: "hot", DB: DBPostgres, Queue: QueueSQS, Instances: 3, Zones: 2, NeededPeak: 5, NeededHorizon: 12},
			6, 13, 2, true, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			objs := manifests(t, tc.p)
			p := tc.p.Defaults()
			slug := Slug(p.DesignName)
			dep, ok := objs["Deployment/"+slug+"-server"].(*appsv1.Deployment)
			if !ok {
				t.Fatalf("no server Deployment in %v", keys(objs))
			}
			if *dep.Spec.Replicas != int32(p.Instances) {
				t.Errorf("replicas %d, want the design's %d", *dep.Spec.Replicas, p.Instances)
			}
			pod := dep.Spec.Template.Spec
			c := pod.Containers[0]
			if got := c.Resources.Requests.Cpu().Value(); got != int64(p.CPU) {
				t.Errorf("cpu request %d, want %d", got, p.CPU)
			}
			if got := c.Resources.Limits.Memory().Value(); got != int64(p.MemoryGiB)<<30 {
				t.Errorf("memory limit %d, want %d GiB", got, p.MemoryGiB)
			}
			if c.ReadinessProbe.HTTPGet.Path != "/readyz" || c.LivenessProbe.HTTPGet.Path != "/healthz" {
				t.Errorf("probes %s and %s", c.ReadinessProbe.HTTPGet.Path, c.LivenessProbe.HTTPGet.Path)
			}
			grace := time.Duration(*pod.TerminationGracePeriodSeconds) * time.Second
			if grace <= p.KubeDrainDelay()+p.ShutdownTimeout() {
				t.Errorf("grace period %v does not outlast the drain %v and the shutdown %v", grace, p.KubeDrainDelay(), p.ShutdownTimeout())
			}
			if cm := objs["ConfigMap/"+slug+"-config"].(*corev1.ConfigMap); cm.Data["DRAIN_DELAY"] != envDuration(p.KubeDrainDelay()) || cm.Data["MIGRATE"] != "false" {
				t.Errorf("config %v", cm.Data)
			}
			for _, e := range c.EnvFrom {
				if e.SecretRef != nil && e.SecretRef.Name != slug+"-secrets" {
					t.Errorf("secret reference %q", e.SecretRef.Name)
				}
			}
			if spread := len(pod.TopologySpreadConstraints) == 1 && pod.TopologySpreadConstraints[0].TopologyKey == "topology.kubernetes.io/zone"; spread != tc.spread {
				t.Errorf("zone spread %v, want %v (zones %d)", pod.TopologySpreadConstraints, tc.spread, p.Zones)
			}
			hpa := objs["HorizontalPodAutoscaler/"+slug+"-server"].(*autoscalingv2.HorizontalPodAutoscaler)
			if *hpa.Spec.MinReplicas != int32(tc.hpaMin) || hpa.Spec.MaxReplicas != int32(tc.hpaMax) {
				t.Errorf("autoscaler %d to %d, want %d to %d", *hpa.Spec.MinReplicas, hpa.Spec.MaxReplicas, tc.hpaMin, tc.hpaMax)
			}
			if got := *hpa.Spec.Metrics[0].Resource.Target.AverageUtilization; got != int32(p.TargetCPUPercent()) {
				t.Errorf("autoscaler target %d%%, want the design's %d%%", got, p.TargetCPUPercent())
			}
			if pdb := objs["PodDisruptionBudget/"+slug+"-server"].(*policyv1.PodDisruptionBudget); pdb.Spec.MinAvailable.IntValue() != tc.pdb {
				t.Errorf("disruption budget keeps %d, want %d", pdb.Spec.MinAvailable.IntValue(), tc.pdb)
			}
			if _, ok := objs["Deployment/"+slug+"-worker"]; ok != tc.worker {
				t.Errorf("worker Deployment %v, want %v", ok, tc.worker)
			} else if ok && *objs["Deployment/"+slug+"-worker"].(*appsv1.Deployment).Spec.Replicas != int32(p.Workers) {
				t.Errorf("worker replicas, want %d", p.Workers)
			}
			if _, ok := objs["Job/"+slug+"-migrate"]; ok != tc.job {
				t.Errorf("migrate Job %v, want %v", ok, tc.job)
			}
			np := objs["NetworkPolicy/"+slug+"-server-ingress"].(*networkingv1.NetworkPolicy)
			if from := np.Spec.Ingress[0].From[0].PodSelector.MatchLabels["tradeoff.dev/role"]; from != "balancer" {
				t.Errorf("the server admits %q, want only the balancer", from)
			}
		})
	}
}

func keys(m map[string]any) string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return fmt.Sprint(out)
}

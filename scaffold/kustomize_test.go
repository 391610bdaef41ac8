package scaffold

import (
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// TestKustomizeBuilds runs `kustomize build` (kustomize's own library,
// krusty, as the kustomize and kubectl commands do) on the generated
// deploy/kubernetes of every stack: the base must build, hold every
// object the files do, and label them all as part of the design.
func TestKustomizeBuilds(t *testing.T) {
	for _, p := range []Params{
		{DesignName: "links", DB: DBPostgres, Cache: CacheRedis, Queue: QueueKafka, LB: LBNginx, Instances: 6, Zones: 3, NeededPeak: 4, NeededHorizon: 9, Workers: 3},
		{DesignName: "tiny", DB: DBMySQL, Cache: CacheNone, Queue: QueueNone, LB: LBHAProxy, Instances: 2},
		{DesignName: "hot", DB: DBPostgres, Cache: CacheMemcached, Queue: QueueSQS, LB: LBManaged, Instances: 3, Zones: 2},
	} {
		t.Run(p.DesignName, func(t *testing.T) {
			p = p.Defaults()
			files, err := render(templatesFS(), p)
			if err != nil {
				t.Fatal(err)
			}
			fs := filesys.MakeFsInMemory()
			for _, f := range files {
				if strings.HasPrefix(f.Path, "deploy/kubernetes/") {
					if err := fs.WriteFile("/"+f.Path, f.Data); err != nil {
						t.Fatal(err)
					}
				}
			}
			rm, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fs, "/deploy/kubernetes")
			if err != nil {
				t.Fatalf("kustomize build deploy/kubernetes: %v", err)
			}
			want := manifests(t, p)
			if rm.Size() != len(want) {
				t.Errorf("kustomize built %d objects, the files hold %d", rm.Size(), len(want))
			}
			for _, r := range rm.Resources() {
				key := r.GetKind() + "/" + r.GetName()
				if _, ok := want[key]; !ok {
					t.Errorf("kustomize built %s, which the files do not hold", key)
				}
				if r.GetLabels()["app.kubernetes.io/part-of"] != Slug(p.DesignName) {
					t.Errorf("%s is not labelled part-of %s: %v", key, Slug(p.DesignName), r.GetLabels())
				}
			}
		})
	}
}

package importer

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
)

const kubeHint = "give Kubernetes manifests (Deployments, StatefulSets, Services, HPAs) as files or a directory of .yaml files"

// manifest is one Kubernetes object with the file and node it came from.
type manifest struct {
	file string
	kind string
	name string
	ns   string
	root *yaml.Node
}

func (m manifest) at(path ...string) Source {
	if n := at(m.root, path...); n != nil {
		return Source{m.file, n.Line}
	}
	return Source{m.file, m.root.Line}
}

// decode fills obj (a k8s.io/api type) from the manifest's YAML.
func (m manifest) decode(obj any) error {
	var raw any
	if err := m.root.Decode(&raw); err != nil {
		return yamlError(m.file, err, kubeHint)
	}
	data, err := json.Marshal(raw)
	if err != nil {
		return &Error{File: m.file, Line: m.root.Line, Msg: fmt.Sprintf("%s %s: %v", m.kind, m.name, err), Hint: kubeHint}
	}
	if err := json.Unmarshal(data, obj); err != nil {
		return &Error{File: m.file, Line: m.root.Line, Msg: fmt.Sprintf("%s %s is not a valid %s: %v", m.kind, m.name, m.kind, err), Hint: kubeHint}
	}
	return nil
}

// Kubernetes reads manifests — files, or directories of .yaml, .yml and
// .json files — and returns their skeleton. Deployments and StatefulSets
// are the components; Services name them for the environment heuristics
// and mark the entry points (LoadBalancer, NodePort, or behind an
// Ingress); HPAs give the instance bounds.
func Kubernetes(paths []string) (*Skeleton, error) {
	files, err := manifestFiles(paths)
	if err != nil {
		return nil, err
	}
	var ms []manifest
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, &Error{File: f, Msg: "cannot read it: " + err.Error(), Hint: kubeHint}
		}
		ds, err := docs(f, data, kubeHint)
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			if d.Kind != yaml.MappingNode {
				return nil, &Error{File: f, Line: d.Line, Col: d.Column, Msg: "not a Kubernetes manifest: want a mapping with apiVersion and kind", Hint: kubeHint}
			}
			_, kind := key(d, "kind")
			_, api := key(d, "apiVersion")
			if kind == nil || api == nil {
				if k, _ := key(d, "services"); k != nil {
					return nil, &Error{File: f, Line: k.Line, Col: k.Column, Msg: "not a Kubernetes manifest: it has services, like a Compose file", Hint: "read it with `tradeoff import compose " + f + "`"}
				}
				return nil, &Error{File: f, Line: d.Line, Col: d.Column, Msg: "not a Kubernetes manifest: no apiVersion or kind", Hint: kubeHint}
			}
			if kind.Value == "List" {
				if _, items := key(d, "items"); items != nil && items.Kind == yaml.SequenceNode {
					for _, it := range items.Content {
						ms = append(ms, newManifest(f, it))
					}
				}
				continue
			}
			ms = append(ms, newManifest(f, d))
		}
	}
	return kubeSkeleton(paths, ms)
}

func newManifest(file string, n *yaml.Node) manifest {
	m := manifest{file: file, root: n}
	if _, k := key(n, "kind"); k != nil {
		m.kind = k.Value
	}
	if v := node(n, "metadata", "name"); v != nil {
		m.name = v.Value
	}
	if v := node(n, "metadata", "namespace"); v != nil {
		m.ns = v.Value
	}
	return m
}

func manifestFiles(paths []string) ([]string, error) {
	if len(paths) == 0 {
		return nil, &Error{File: "-", Msg: "no manifest given", Hint: kubeHint}
	}
	var files []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, &Error{File: p, Msg: "cannot read it: " + strings.TrimPrefix(err.Error(), "stat "+p+": "), Hint: kubeHint}
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		var in []string
		err = filepath.WalkDir(p, func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			switch strings.ToLower(filepath.Ext(path)) {
			case ".yaml", ".yml", ".json":
				if !d.IsDir() && filepath.Base(path) != "kustomization.yaml" && filepath.Base(path) != "kustomization.yml" {
					in = append(in, path)
				}
			}
			return nil
		})
		if err != nil {
			return nil, &Error{File: p, Msg: err.Error(), Hint: kubeHint}
		}
		if len(in) == 0 {
			return nil, &Error{File: p, Msg: "the directory has no .yaml, .yml or .json files", Hint: kubeHint}
		}
		sort.Strings(in)
		files = append(files, in...)
	}
	return files, nil
}

// workload is a Deployment or a StatefulSet, reduced to what a design needs.
type workload struct {
	m        manifest
	replicas *int32
	pod      corev1.PodTemplateSpec
}

func kubeSkeleton(paths []string, ms []manifest) (*Skeleton, error) {
	var loads []workload
	config := map[string]map[string]string{} // ConfigMap and Secret data, by "kind/ns/name"
	var services []corev1.Service
	var hpas []autoscalingv2.HorizontalPodAutoscaler
	ingressed := map[string]Source{} // Service name → the Ingress that routes to it
	for _, m := range ms {
		switch m.kind {
		case "Deployment":
			var d appsv1.Deployment
			if err := m.decode(&d); err != nil {
				return nil, err
			}
			loads = append(loads, workload{m, d.Spec.Replicas, d.Spec.Template})
		case "StatefulSet":
			var d appsv1.StatefulSet
			if err := m.decode(&d); err != nil {
				return nil, err
			}
			loads = append(loads, workload{m, d.Spec.Replicas, d.Spec.Template})
		case "Service":
			var s corev1.Service
			if err := m.decode(&s); err != nil {
				return nil, err
			}
			services = append(services, s)
		case "HorizontalPodAutoscaler":
			var h autoscalingv2.HorizontalPodAutoscaler
			if err := m.decode(&h); err != nil {
				return nil, err
			}
			hpas = append(hpas, h)
		case "ConfigMap":
			var c corev1.ConfigMap
			if err := m.decode(&c); err != nil {
				return nil, err
			}
			config["ConfigMap/"+c.Namespace+"/"+c.Name] = c.Data
		case "Secret":
			var c corev1.Secret
			if err := m.decode(&c); err != nil {
				return nil, err
			}
			data := map[string]string{}
			for k, v := range c.Data {
				data[k] = string(v)
			}
			for k, v := range c.StringData {
				data[k] = v
			}
			config["Secret/"+c.Namespace+"/"+c.Name] = data
		case "Ingress":
			var in networkingv1.Ingress
			if err := m.decode(&in); err != nil {
				return nil, err
			}
			for _, r := range in.Spec.Rules {
				if r.HTTP == nil {
					continue
				}
				for _, p := range r.HTTP.Paths {
					if p.Backend.Service != nil {
						ingressed[p.Backend.Service.Name] = m.at("spec")
					}
				}
			}
			if b := in.Spec.DefaultBackend; b != nil && b.Service != nil {
				ingressed[b.Service.Name] = m.at("spec")
			}
		}
	}
	if len(loads) == 0 {
		f := paths[0]
		if len(ms) > 0 {
			f = ms[0].file
		}
		return nil, &Error{File: f, Msg: "no Deployment or StatefulSet: nothing here runs", Hint: kubeHint}
	}
	sort.SliceStable(loads, func(i, j int) bool { return loads[i].m.name < loads[j].m.name })
	s := newSkeleton(systemName(paths, loads), "kubernetes", paths)
	hosts := map[string]string{}
	for _, w := range loads {
		c, err := kubeComponent(s, w)
		if err != nil {
			return nil, err
		}
		if c == nil {
			continue
		}
		if _, dup := s.Components[c.Name]; dup {
			return nil, &Error{File: w.m.file, Line: w.m.root.Line, Msg: fmt.Sprintf("two workloads become component %s", c.Name), Hint: "rename one of them"}
		}
		s.Components[c.Name] = c
		addHosts(hosts, w.m.name, w.m.ns, c.Name)
	}
	// A Service names the pods it selects: its name is what the
	// environment uses.
	for _, svc := range services {
		for _, w := range loads {
			c := s.Components[componentName(w.m.name)]
			if c == nil || svc.Namespace != w.m.ns || len(svc.Spec.Selector) == 0 || !selects(svc.Spec.Selector, w.pod.Labels) {
				continue
			}
			addHosts(hosts, svc.Name, svc.Namespace, c.Name)
			if svc.Spec.Type == corev1.ServiceTypeLoadBalancer || svc.Spec.Type == corev1.ServiceTypeNodePort {
				c.Entry = true
				s.guess(c.At, "%s: Service %s of type %s → an entry point: an operation starts here", c.Name, svc.Name, svc.Spec.Type)
			}
			if at, ok := ingressed[svc.Name]; ok {
				c.Entry = true
				s.guess(at, "an Ingress routes to Service %s → %s is an entry point", svc.Name, c.Name)
			}
		}
	}
	for _, h := range hpas {
		c := s.Components[componentName(h.Spec.ScaleTargetRef.Name)]
		if c == nil || (c.Kind != "service" && c.Kind != "worker") {
			continue
		}
		if h.Spec.MinReplicas != nil {
			c.Instances = int(*h.Spec.MinReplicas)
		}
		c.MaxInstances = int(h.Spec.MaxReplicas)
		s.guess(c.At, "%s: a HorizontalPodAutoscaler scales it from %d to %d → instances %d, the floor (the estimate says what the peak needs)", c.Name, c.Instances, c.MaxInstances, c.Instances)
	}
	for _, w := range loads {
		from := componentName(w.m.name)
		if s.Components[from] == nil {
			continue
		}
		for ci, ct := range w.pod.Spec.Containers {
			envNode := node(w.m.root, "spec", "template", "spec", "containers", strconv.Itoa(ci), "env")
			for _, e := range ct.Env {
				at := Source{w.m.file, envLine(envNode, e.Name)}
				if at.Line == 0 {
					at = w.m.at("spec", "template", "spec", "containers")
				}
				val, ok := e.Value, true
				if e.ValueFrom != nil {
					val, ok = refValue(config, w.m.ns, e.ValueFrom)
				}
				if ok {
					s.readEnv(from, e.Name, val, at, hosts)
				}
			}
			for fi, ef := range ct.EnvFrom {
				at := w.m.at("spec", "template", "spec", "containers", strconv.Itoa(ci), "envFrom", strconv.Itoa(fi))
				var data map[string]string
				if ef.ConfigMapRef != nil {
					data = config["ConfigMap/"+w.m.ns+"/"+ef.ConfigMapRef.Name]
				}
				if ef.SecretRef != nil {
					data = config["Secret/"+w.m.ns+"/"+ef.SecretRef.Name]
				}
				keys := make([]string, 0, len(data))
				for k := range data {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				for _, k := range keys {
					s.readEnv(from, ef.Prefix+k, data[k], at, hosts)
				}
			}
		}
	}
	s.finish()
	return s, nil
}

func kubeComponent(s *Skeleton, w workload) (*Component, error) {
	name := componentName(w.m.name)
	c := &Component{Name: name, At: w.m.at("metadata", "name")}
	cs := w.pod.Spec.Containers
	if len(cs) == 0 {
		return nil, &Error{File: w.m.file, Line: w.m.root.Line, Msg: fmt.Sprintf("%s %s has no containers", w.m.kind, w.m.name), Hint: kubeHint}
	}
	// The container named like the workload, else the first: sidecars
	// (proxies, log shippers) come after it by convention.
	ci := 0
	for i, ct := range cs {
		if ct.Name == w.m.name {
			ci = i
		}
	}
	ct := cs[ci]
	imageAt := w.m.at("spec", "template", "spec", "containers", strconv.Itoa(ci), "image")
	kind, skip, err := s.imageKind(name, ct.Image, imageAt)
	if err != nil || skip {
		return nil, err
	}
	c.Kind = kind
	c.Instances = 1
	if w.replicas != nil {
		c.Instances = int(*w.replicas)
	} else if c.Kind == "service" {
		s.guess(c.At, "%s: no spec.replicas → 1 instance, as Kubernetes runs", name)
	}
	res := ct.Resources.Limits
	which := "limits"
	if len(res) == 0 {
		res, which = ct.Resources.Requests, "requests"
	}
	var cpus float64
	var mem int64
	if len(res) > 0 {
		cpus, mem = res.Cpu().AsApproximateFloat64(), res.Memory().Value()
	}
	container := []string{"spec", "template", "spec", "containers", strconv.Itoa(ci)}
	s.resources(c, cpus, mem, "resource "+which+" ", "memory "+which, w.m.at(append(container, "resources")...),
		append(append([]string{}, ct.Command...), ct.Args...), w.m.at(container...))
	for _, tc := range w.pod.Spec.TopologySpreadConstraints {
		if tc.TopologyKey == corev1.LabelTopologyZone && (c.Kind == "service" || c.Kind == "worker") {
			c.ZoneSpread = true
			s.guess(w.m.at("spec", "template", "spec", "topologySpreadConstraints"), "%s: spread over %s → zones, a question (the count is the cluster's)", name, tc.TopologyKey)
		}
	}
	return c, nil
}

// addHosts records the names a Service or workload answers to inside the
// cluster: name, name.ns, name.ns.svc, name.ns.svc.cluster.local.
func addHosts(hosts map[string]string, name, ns, component string) {
	name = strings.ToLower(name)
	hosts[name] = component
	if ns == "" {
		ns = "default"
	}
	for _, h := range []string{name + "." + ns, name + "." + ns + ".svc", name + "." + ns + ".svc.cluster.local"} {
		hosts[h] = component
	}
}

func selects(selector, labels map[string]string) bool {
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// refValue reads a variable set from a ConfigMap or Secret in the same
// manifests; false when it is not there (or comes from the pod itself).
func refValue(config map[string]map[string]string, ns string, from *corev1.EnvVarSource) (string, bool) {
	switch {
	case from.ConfigMapKeyRef != nil:
		v, ok := config["ConfigMap/"+ns+"/"+from.ConfigMapKeyRef.Name][from.ConfigMapKeyRef.Key]
		return v, ok
	case from.SecretKeyRef != nil:
		v, ok := config["Secret/"+ns+"/"+from.SecretKeyRef.Name][from.SecretKeyRef.Key]
		return v, ok
	}
	return "", false
}

// systemName is the namespace all workloads share, else the directory or
// file the user named.
func systemName(paths []string, loads []workload) string {
	ns := loads[0].m.ns
	for _, w := range loads {
		if w.m.ns != ns {
			ns = ""
		}
	}
	if ns != "" && ns != "default" {
		return componentName(ns)
	}
	base := filepath.Base(filepath.Clean(paths[0]))
	return componentName(strings.TrimSuffix(base, filepath.Ext(base)))
}

package main

// local-volume-provisioner: the default StorageClass of the local cluster. Like kind's local-path-provisioner it binds
// on first consumer: the scheduler picks the node, then a directory on that node becomes a `local` PersistentVolume
// pinned to it, so a pod that moves to another node cannot take its data along, as on real local disks. Its claims
// can grow (resizer.go).

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/klog/v2"
	"sigs.k8s.io/sig-storage-lib-external-provisioner/v13/controller"
)

type localVolumes struct {
	root string // volumes live in root/<node>/<pv name>
}

func (l *localVolumes) Provision(_ context.Context, opts controller.ProvisionOptions) (*v1.PersistentVolume, controller.ProvisioningState, error) {
	if opts.SelectedNodeName == "" {
		return nil, controller.ProvisioningFinished, errors.New("no node selected: the StorageClass must bind WaitForFirstConsumer")
	}
	dir := filepath.Join(l.root, opts.SelectedNodeName, opts.PVName)
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return nil, controller.ProvisioningFinished, err
	}
	// MkdirAll applies the umask; pods running as any uid must be able to write before fsGroup is applied.
	if err := os.Chmod(dir, 0o777); err != nil {
		return nil, controller.ProvisioningFinished, err
	}
	reclaim := v1.PersistentVolumeReclaimDelete
	if opts.StorageClass.ReclaimPolicy != nil {
		reclaim = *opts.StorageClass.ReclaimPolicy
	}
	return &v1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{Name: opts.PVName},
		Spec: v1.PersistentVolumeSpec{
			PersistentVolumeReclaimPolicy: reclaim,
			AccessModes:                   opts.PVC.Spec.AccessModes,
			VolumeMode:                    opts.PVC.Spec.VolumeMode,
			Capacity:                      v1.ResourceList{v1.ResourceStorage: opts.PVC.Spec.Resources.Requests[v1.ResourceStorage]},
			StorageClassName:              opts.StorageClass.Name,
			PersistentVolumeSource:        v1.PersistentVolumeSource{Local: &v1.LocalVolumeSource{Path: dir}},
			NodeAffinity: &v1.VolumeNodeAffinity{Required: &v1.NodeSelector{NodeSelectorTerms: []v1.NodeSelectorTerm{{
				MatchExpressions: []v1.NodeSelectorRequirement{{
					Key: "kubernetes.io/hostname", Operator: v1.NodeSelectorOpIn, Values: []string{opts.SelectedNodeName},
				}},
			}}}},
		},
	}, controller.ProvisioningFinished, nil
}

func (l *localVolumes) Delete(_ context.Context, pv *v1.PersistentVolume) error {
	if pv.Spec.Local == nil {
		return &controller.IgnoredError{Reason: "not a local volume"}
	}
	dir := filepath.Clean(pv.Spec.Local.Path)
	if filepath.Dir(filepath.Dir(dir)) != filepath.Clean(l.root) {
		return fmt.Errorf("refusing to delete %s: not a volume directory under %s", dir, l.root)
	}
	return os.RemoveAll(dir)
}

func runProvisioner() int {
	flags := flag.NewFlagSet("local-volume-provisioner", flag.ExitOnError)
	kubeconfig := flags.String("kubeconfig", "", "kubeconfig of the cluster")
	root := flags.String("root", "", "directory that holds every node's volumes")
	name := flags.String("provisioner-name", "redis-charts.local/local-volume", "provisioner name the StorageClass names")
	_ = flags.Parse(os.Args[1:])
	if *kubeconfig == "" || *root == "" {
		fmt.Fprintln(os.Stderr, "local-volume-provisioner: --kubeconfig and --root are required")
		return 2
	}
	config, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		klog.ErrorS(err, "reading kubeconfig")
		return 1
	}
	client := kubernetes.NewForConfigOrDie(config)
	ctrl := controller.NewProvisionController(context.Background(), client, *name, &localVolumes{root: *root},
		controller.LeaderElection(false))
	go resizeVolumes(context.Background(), client, *name)
	ctrl.Run(context.Background())
	return 0
}

package main

// Volume expansion for the local volumes. kube-controller-manager's expand controller leaves a claim whose volume
// it has no plugin for to an external resizer ("waiting for an external controller to expand this PVC"), as a CSI
// driver's external-resizer does. A local volume is a directory without a size of its own, so growing one is a
// record and needs no step on the node: the PersistentVolume's capacity, then the claim's status, as the
// external-resizer finishes a controller-only expansion.

import (
	"context"
	"time"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/klog/v2"
)

const resizePeriod = 2 * time.Second

// resizeVolumes grows, every resizePeriod until ctx ends, each bound claim of an expandable StorageClass of this
// provisioner whose request exceeds its capacity.
func resizeVolumes(ctx context.Context, client kubernetes.Interface, provisioner string) {
	ticker := time.NewTicker(resizePeriod)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			if err := resizePending(ctx, client, provisioner); err != nil {
				klog.ErrorS(err, "volume expansion pass")
			}
		}
	}
}

func resizePending(ctx context.Context, client kubernetes.Interface, provisioner string) error {
	classes, err := client.StorageV1().StorageClasses().List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	expandable := map[string]bool{}
	for _, sc := range classes.Items {
		if sc.Provisioner == provisioner && sc.AllowVolumeExpansion != nil && *sc.AllowVolumeExpansion {
			expandable[sc.Name] = true
		}
	}
	if len(expandable) == 0 {
		return nil
	}
	claims, err := client.CoreV1().PersistentVolumeClaims(metav1.NamespaceAll).List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	for i := range claims.Items {
		claim := &claims.Items[i]
		if claim.Spec.StorageClassName == nil || !expandable[*claim.Spec.StorageClassName] ||
			claim.Status.Phase != v1.ClaimBound || claim.Spec.VolumeName == "" {
			continue
		}
		want := claim.Spec.Resources.Requests[v1.ResourceStorage]
		have := claim.Status.Capacity[v1.ResourceStorage]
		if want.Cmp(have) <= 0 {
			continue
		}
		if err := expand(ctx, client, claim, want); err != nil {
			klog.ErrorS(err, "expanding", "claim", klog.KObj(claim), "to", want.String())
			continue
		}
		klog.InfoS("expanded", "claim", klog.KObj(claim), "from", have.String(), "to", want.String())
	}
	return nil
}

func expand(ctx context.Context, client kubernetes.Interface, claim *v1.PersistentVolumeClaim, size resource.Quantity) error {
	pv, err := client.CoreV1().PersistentVolumes().Get(ctx, claim.Spec.VolumeName, metav1.GetOptions{})
	if err != nil {
		return err
	}
	if pv.Spec.Local == nil {
		return nil
	}
	if current := pv.Spec.Capacity[v1.ResourceStorage]; current.Cmp(size) < 0 {
		pv = pv.DeepCopy()
		pv.Spec.Capacity[v1.ResourceStorage] = size
		if _, err := client.CoreV1().PersistentVolumes().Update(ctx, pv, metav1.UpdateOptions{}); err != nil {
			return err
		}
	}
	grown := claim.DeepCopy()
	if grown.Status.Capacity == nil {
		grown.Status.Capacity = v1.ResourceList{}
	}
	grown.Status.Capacity[v1.ResourceStorage] = size
	if grown.Status.AllocatedResources != nil {
		grown.Status.AllocatedResources[v1.ResourceStorage] = size
	}
	delete(grown.Status.AllocatedResourceStatuses, v1.ResourceStorage)
	conditions := grown.Status.Conditions[:0]
	for _, c := range grown.Status.Conditions {
		if c.Type != v1.PersistentVolumeClaimResizing && c.Type != v1.PersistentVolumeClaimFileSystemResizePending &&
			c.Type != v1.PersistentVolumeClaimControllerResizeError && c.Type != v1.PersistentVolumeClaimNodeResizeError {
			conditions = append(conditions, c)
		}
	}
	grown.Status.Conditions = conditions
	_, err = client.CoreV1().PersistentVolumeClaims(grown.Namespace).UpdateStatus(ctx, grown, metav1.UpdateOptions{})
	return err
}

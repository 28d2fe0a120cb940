// Command kube is every Kubernetes and etcd component the local cluster runs, in one binary: compiling the shared
// packages and linking once is far faster than seven separate builds. The first argument names the component.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	_ "time/tzdata" // CronJob time zones, as the upstream binaries

	"go.etcd.io/etcd/server/v3/etcdmain"
	_ "k8s.io/client-go/plugin/pkg/client/auth"
	"k8s.io/component-base/cli"
	"k8s.io/component-base/logs"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	kubectl "k8s.io/kubectl/pkg/cmd"
	kubectlutil "k8s.io/kubectl/pkg/cmd/util"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	proxy "k8s.io/kubernetes/cmd/kube-proxy/app"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
	kubeadm "k8s.io/kubernetes/cmd/kubeadm/app"
	kubeadmerrors "k8s.io/kubernetes/cmd/kubeadm/app/util/errors"
	kubelet "k8s.io/kubernetes/cmd/kubelet/app"
)

var components = map[string]func() int{
	"kube-apiserver":           func() int { return cli.Run(apiserver.NewAPIServerCommand()) },
	"kube-controller-manager":  func() int { return cli.Run(controllermanager.NewControllerManagerCommand()) },
	"kube-scheduler":           func() int { return cli.Run(scheduler.NewSchedulerCommand()) },
	"kubelet":                  func() int { return cli.Run(kubelet.NewKubeletCommand(context.Background())) },
	"kube-proxy":               func() int { return cli.Run(proxy.NewProxyCommand()) },
	"kubeadm":                  func() int { kubeadmerrors.HandleError(kubeadm.Run()); return 0 },
	"kubectl":                  runKubectl,
	"etcd":                     func() int { etcdmain.Main(os.Args); return 0 },
	"local-volume-provisioner": runProvisioner,
}

func runKubectl() int {
	logs.GlogSetter(kubectl.GetLogVerbosity(os.Args)) //nolint:errcheck
	if err := cli.RunNoErrOutput(kubectl.NewDefaultKubectlCommand()); err != nil {
		kubectlutil.CheckErr(err)
	}
	return 0
}

func main() {
	// Called through a link named after a component (kubectl -> kube), as a busybox-style multi-call binary.
	if name := filepath.Base(os.Args[0]); components[name] != nil {
		os.Args[0] = name
		os.Exit(components[name]())
	}
	if len(os.Args) < 2 || components[os.Args[1]] == nil {
		names := make([]string, 0, len(components))
		for name := range components {
			names = append(names, name)
		}
		sort.Strings(names)
		fmt.Fprintf(os.Stderr, "usage: kube <component> [flags]\ncomponents: %v\n", names)
		os.Exit(2)
	}
	run := components[os.Args[1]]
	// Each component parses os.Args[1:] as its own command line, as if it were its own binary.
	os.Args = append([]string{os.Args[1]}, os.Args[2:]...)
	os.Exit(run())
}

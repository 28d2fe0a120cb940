// Command netpol runs kube-router with its NetworkPolicy controller only (no routing, no service proxy: the local
// cluster routes pod networks itself and kube-proxy serves Services), one instance per node in that node's network
// namespace.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/cloudnativelabs/kube-router/v2/pkg/cmd"
	"github.com/cloudnativelabs/kube-router/v2/pkg/options"
	"github.com/spf13/pflag"
	"k8s.io/klog/v2"
)

func main() {
	klog.InitFlags(nil)
	config := options.NewKubeRouterConfig()
	config.AddFlags(pflag.CommandLine)
	pflag.Parse()
	_ = flag.Set("logtostderr", "true")
	_ = flag.Set("v", config.VLevel)
	config.RunFirewall = true
	config.RunRouter = false
	config.RunServiceProxy = false
	router, err := cmd.NewKubeRouterDefault(config)
	if err == nil {
		err = router.Run()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "netpol: %v\n", err)
		os.Exit(1)
	}
}

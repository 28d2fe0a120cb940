// Command ct is chart-testing's CLI, built from its Go module.
package main

import "github.com/helm/chart-testing/v3/ct/cmd"

func main() { cmd.Execute() }

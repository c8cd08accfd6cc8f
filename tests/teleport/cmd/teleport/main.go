// Command teleport is Teleport's own CLI (tool/teleport/common.Run) with one change for tests:
// `teleport start` runs the proxy with its web UI turned off.
//
// The proxy refuses to start without embedded web assets, no config key turns the UI off, and
// `go build -overlay` may not replace files inside the module cache, so placeholder assets
// cannot be supplied without copying Teleport's source. Teleport's own integration tests start
// the proxy the same way (servicecfg Proxy.DisableWebInterface); the web API, including the
// OIDC discovery, JWKS and thumbprint endpoints, is still served.
package main

import (
	"context"
	"os"

	"github.com/gravitational/teleport/lib/observability/metrics"
	"github.com/gravitational/teleport/lib/service"
	"github.com/gravitational/teleport/lib/utils"
	"github.com/gravitational/teleport/tool/teleport/common"
)

func init() {
	metrics.RegisterPrometheusCollectors(metrics.BuildCollector())
}

func main() {
	// InitOnly: every command runs as usual, except that `start` only builds its config.
	_, command, conf := common.Run(common.Options{Args: os.Args[1:], InitOnly: true})
	if command != "start" || conf == nil {
		return
	}
	conf.Proxy.DisableWebInterface = true
	conf.Log.Infof("Starting Teleport (web UI off, teleport-oidc test build)")
	if err := service.Run(context.Background(), *conf, nil); err != nil {
		utils.FatalError(err)
	}
}

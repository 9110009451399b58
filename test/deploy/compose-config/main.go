// compose-config loads a Compose file the way `docker compose config` does — compose-go, the
// library inside Docker Compose: the Compose Specification's schema, variable interpolation
// (${VAR:?message} fails when VAR is unset), anchors and merge keys, defaults — and prints the
// resolved project as JSON, or the loader's error and exit code 1. For test/deploy, on a machine
// without a Docker engine.
//
//	go run . <compose.yaml> <env file>
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: compose-config <compose.yaml> <env file>")
		os.Exit(2)
	}
	options, err := cli.NewProjectOptions(
		[]string{os.Args[1]},
		cli.WithEnvFiles(os.Args[2]),
		cli.WithDotEnv,
		cli.WithName("runlens"),
	)
	if err == nil {
		var project interface{}
		project, err = options.LoadProject(context.Background())
		if err == nil {
			out, _ := json.MarshalIndent(project, "", "  ")
			fmt.Println(string(out))
			return
		}
	}
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

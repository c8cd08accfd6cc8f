// Command sdkgen-dotnet writes the C# SDK `pulumi package add` would generate for a schema. Pulumi's
// C# code generator left github.com/pulumi/pulumi/pkg/v3 (it lives in pulumi-dotnet now, which
// the Go module proxy here refuses); v3.206.0, the release this module builds pulumi-yaml
// against, still has it. Usage:
//
//	sdkgen-dotnet SCHEMA_JSON OUT_DIR
//
// As `package add` does, the schema is bound with dangling references allowed and SupportPack.
// The SDK's logo.png is left empty (the generator would download it).
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi/pkg/v3/codegen/dotnet"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// noNetwork answers every HTTP request with an empty body: the generator downloads the
// package's logo from GitHub, and the tests send traffic to loopback only.
type noNetwork struct{}

func (noNetwork) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode: http.StatusOK,
		Body:       io.NopCloser(strings.NewReader("")),
		Request:    req,
	}, nil
}

func run(schemaPath, out string) error {
	http.DefaultTransport = noNetwork{}
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return fmt.Errorf("%s is not a package schema: %w", schemaPath, err)
	}
	// No loader: the plugin's schema refers to no other package.
	pkg, diags, err := schema.BindSpec(spec, nil, schema.ValidationOptions{AllowDanglingReferences: true})
	if err != nil {
		return err
	}
	if diags.HasErrors() {
		return fmt.Errorf("%s does not bind: %s", schemaPath, diags.Error())
	}
	pkg.SupportPack = true
	files, err := dotnet.GeneratePackage("pulumi", pkg, nil, nil)
	if err != nil {
		return fmt.Errorf("generating the C# SDK: %w", err)
	}
	for name, content := range files {
		path := filepath.Join(out, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "sdkgen-dotnet: C# SDK of %s: %d files in %s\n", pkg.Name, len(files), out)
	return nil
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: sdkgen-dotnet SCHEMA_JSON OUT_DIR")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "sdkgen-dotnet:", err)
		os.Exit(1)
	}
}

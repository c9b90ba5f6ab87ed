// Package schema embeds the JSON Schema of .dockguard.yaml, so that
// `dockguard config schema` can print it for editors without a network.
package schema

import _ "embed"

// JSON is the JSON Schema (draft-07) of .dockguard.yaml.
//
//go:embed dockguard.schema.json
var JSON []byte

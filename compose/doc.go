// Package compose is dockguard's Docker Compose front end. It discovers
// compose projects the way `docker compose` does, loads them with
// compose-go, and checks the memory-limit policy (rules DG201-DG205, plus
// DG004 when Compose itself would refuse a project). compose-go drops
// source positions, so every file is also indexed with yaml.v3 and findings
// are placed at the service key or the offending value.
package compose

// Package prune defines an Analyzer that reports cleanup that destroys
// volume data.
//
// # Analyzer prune
//
// prune: report destructive volume pruning (DG107)
//
// `docker volume prune`, `docker system prune --volumes` and
// `docker compose down -v` delete named volumes, which hold databases; on a
// shared machine they delete other projects' data too.
//
// The analyzer reports os/exec running those commands (judged by the docker
// command-line model, `sh -c` scripts by the shell front end) and the SDK
// calls that prune volumes: docker/docker's VolumesPrune, moby/moby's
// VolumePrune and fsouza's PruneVolumes. Pruning containers, images,
// networks or build cache is not reported, nor is a method of the same name
// that hands the call on to the client it wraps (a dry-run or tracing
// client implementing the client interface): the prune is reported where
// the wrapper is called.
package prune

// Package compose is dockguard's Docker Compose front end. It discovers
// compose projects the way `docker compose` does, loads them with
// compose-go, and checks the memory-limit policy: rules DG201-DG205, plus
// DG004 when Compose itself would refuse a project.
//
// # Discovery
//
// Files are grouped by folder, and each folder is read as `docker compose`
// would read it from inside that folder:
//   - COMPOSE_FILE in the folder's .env chooses the files. Otherwise the
//     first of compose.yaml, compose.yml, docker-compose.yml and
//     docker-compose.yaml is used, with the first override file. When
//     several default files exist, a note names the ones Compose ignores.
//   - Another *compose*.y{a,}ml file is a fragment when its services lack
//     image and build (docker-compose.prod.yml adding limits to the base),
//     or when it completes services the base defines. A fragment is merged
//     into the default project as a further override.
//   - A file in a folder without a base file, that tunes a service it
//     does not define while a compose file in a folder above defines it,
//     is an override passed with -f next to that file; it gets a note
//     rather than a load error of its own.
//   - Any other such file is a project of its own (docker-compose.test.yml).
//   - A file that another compose file includes or extends belongs to that
//     file's project.
//
// A project is checked when it contains a file given to Check, so a single
// changed file loads its whole project. The content sniff keeps Kubernetes
// manifests, CI workflows and other tools' services lists out.
//
// # Loading
//
// compose-go loads each project with every profile enabled. The
// environment is the OS environment plus the folder's .env. The variables
// that select files and profiles are taken from .env only, because in the
// shell they would apply to every folder of the tree.
//
// When compose-go refuses a project, its message becomes DG004 at the line
// it names. The project is then loaded again without schema validation and
// consistency checks. If that fails too, the services are read from the raw
// YAML, following overrides, extends, anchors, merge keys and !reset.
//
// # Positions
//
// compose-go drops positions, so every file is also indexed with yaml.v3.
// A service-level finding goes to the service's key in the
// highest-precedence file that defines it. A value-level finding goes to
// the value, and for runtime flags to the flag itself. yaml.v3 columns count
// runes; findings carry byte offsets.
package compose

package dockercli

import (
	"reflect"
	"strings"
	"testing"
)

// words splits a test command line on spaces. "?NAME" is an unknown word
// and "@NAME" an unknown word from a container listing.
func words(line string) []Word {
	var out []Word
	for _, f := range strings.Fields(line) {
		switch {
		case strings.HasPrefix(f, "?"):
			out = append(out, Unknown("$"+f[1:]))
		case strings.HasPrefix(f, "@"):
			w := Unknown("$(" + f[1:] + ")")
			w.FromListing = true
			out = append(out, w)
		default:
			out = append(out, Lit(f))
		}
	}
	return out
}

func rulesOf(vs []Verdict) []string {
	out := []string{}
	for _, v := range vs {
		out = append(out, v.Rule)
	}
	return out
}

func TestVerdicts(t *testing.T) {
	tests := []struct {
		line string
		want []string
	}{
		// DG101: every spelling of a forced container removal.
		{"docker rm -f web", []string{"DG101"}},
		{"docker rm --force web", []string{"DG101"}},
		{"docker rm -fv web", []string{"DG101"}},
		{"docker rm -vf web", []string{"DG101"}},
		{"docker rm -v -f web", []string{"DG101"}},
		{"docker rm --force=true web", []string{"DG101"}},
		{"docker rm --force=1 web", []string{"DG101"}},
		{"docker rm -f=true web", []string{"DG101"}},
		{"docker container rm -f web", []string{"DG101"}},
		{"docker container remove -f web", []string{"DG101"}},
		{"docker container remove --force web db", []string{"DG101"}},
		{"docker rm web -f", []string{"DG101"}},
		{"docker rm ?id -f", []string{"DG101"}},
		{"docker rm -f ?@", []string{"DG101"}},
		{"docker rm -f", []string{"DG101"}},
		{"/usr/bin/docker rm -f web", []string{"DG101"}},
		{`C:\bin\docker.exe rm -f web`, []string{"DG101"}},
		{"podman rm -f web", []string{"DG101"}},
		{"nerdctl rm -f web", []string{"DG101"}},
		{"nerdctl container rm --force web", []string{"DG101"}},
		{"podman pod rm -f pod1", []string{"DG101"}},
		// Global flags before the subcommand, with and without values.
		{"docker -H tcp://h:2375 rm -f web", []string{"DG101"}},
		{"docker --host tcp://h rm -f web", []string{"DG101"}},
		{"docker --host=tcp://h rm -f web", []string{"DG101"}},
		{"docker -c prod rm -f web", []string{"DG101"}},
		{"docker --context prod rm -f web", []string{"DG101"}},
		{"docker --config /etc/d rm -f web", []string{"DG101"}},
		{"docker -l debug rm -f web", []string{"DG101"}},
		{"docker --log-level debug rm -f web", []string{"DG101"}},
		{"docker --tlscacert ca --tlscert c --tlskey k rm -f web", []string{"DG101"}},
		{"docker -D rm -f web", []string{"DG101"}},
		{"docker --tls --tlsverify rm -f web", []string{"DG101"}},
		{"docker -D --tls -H h rm -f web", []string{"DG101"}},
		{"docker -- rm -f web", []string{"DG101"}},
		{"podman --root /r --runroot /rr rm -f web", []string{"DG101"}},
		{"podman --url unix:///s -c conn rm -f web", []string{"DG101"}},
		{"podman --connection conn -r rm -f web", []string{"DG101"}},
		{"podman --remote rm -f web", []string{"DG101"}},
		{"nerdctl -n k8s.io rm -f web", []string{"DG101"}},
		{"nerdctl --namespace k8s.io rm -f web", []string{"DG101"}},
		{"nerdctl -a /run/c.sock rm -f web", []string{"DG101"}},
		{"nerdctl -H /run/c.sock rm -f web", []string{"DG101"}},
		{"nerdctl --address /run/c.sock --snapshotter stargz rm -f web", []string{"DG101"}},
		// An unknown word where the subcommand stands, followed by one.
		{"docker ?OPTS rm -f web", []string{"DG101"}},
		// Not forced.
		{"docker rm web", nil},
		{"docker rm -v web", nil},
		{"docker rm --force=false web", nil},
		{"docker rm -f=false web", nil},
		{"docker rm --force=0 web", nil},
		{"docker rm -f --force=false web", nil},
		{"docker rm ?FORCE web", nil},
		{"docker rm --force=?F web", nil},
		{"docker rm -- -f", nil},
		{"docker ?CMD -f web", nil},
		{"docker -H rm -f web", nil}, // rm is the host; -f is an unknown command
		// The same name elsewhere means something else.
		{"docker compose rm -f", nil},
		{"docker compose rm -f -s web", nil},
		{"docker-compose rm -f", nil},
		{"docker compose -f docker-compose.yml rm -f", nil},
		{"docker network rm -f net", nil},
		{"docker network remove --force net", nil},
		{"docker build --force-rm -t x .", nil},
		{"docker image build --force-rm .", nil},
		{"docker ps -f status=exited", nil},
		{"docker ps -f status=exited -q", nil},
		{"docker logs -f web", nil},
		{"docker container logs -f web", nil},
		{"docker context rm -f ctx", nil},
		{"docker buildx rm --force builder", nil},
		{"docker buildx rm -f builder", nil},
		{"docker container prune -f", nil},
		{"docker image prune -f", nil},
		{"docker image prune -af", nil},
		{"docker builder prune -f", nil},
		{"docker builder prune -af --filter until=24h", nil},
		{"docker system prune -f", nil},
		{"docker system prune -af", nil},
		{"docker system prune --all --force", nil},
		{"docker run --rm alpine rm -f /tmp/x", nil},
		{"docker run -d --name web nginx", nil},
		{"docker exec web rm -f /tmp/x", nil},
		{"docker exec -it web kill 1", nil},
		{"docker stop web", nil},
		{"docker stop -t 10 web", nil},
		{"docker stop --time 30 web", nil},
		{"dockerd rm -f", nil},
		{"docker-credential-helper rm -f", nil},
		{"kubectl delete pod -f x", nil},
		{"?DOCKER rm -f web", nil},
		{"mydocker rm -f web", nil},
		// DG102.
		{"docker rmi -f app:dev", []string{"DG102"}},
		{"docker rmi --force app:dev", []string{"DG102"}},
		{"docker image rm -f app", []string{"DG102"}},
		{"docker image remove -f app", []string{"DG102"}},
		{"podman rmi -f app", []string{"DG102"}},
		{"docker rmi app", nil},
		{"docker rmi --no-prune app", nil},
		{"docker rmi -f=false app", nil},
		// DG103: podman only.
		{"podman volume rm -f pgdata", []string{"DG103"}},
		{"podman volume remove --force pgdata", []string{"DG103"}},
		{"docker volume rm -f pgdata", nil},
		{"docker volume rm --force pgdata", nil},
		{"nerdctl volume rm -f pgdata", nil},
		{"podman volume rm pgdata", nil},
		// DG104.
		{"docker kill web", []string{"DG104"}},
		{"docker container kill web", []string{"DG104"}},
		{"docker kill -s KILL web", []string{"DG104"}},
		{"docker kill -s SIGKILL web", []string{"DG104"}},
		{"docker kill -s 9 web", []string{"DG104"}},
		{"docker kill -s kill web", []string{"DG104"}},
		{"docker kill --signal=KILL web", []string{"DG104"}},
		{"docker kill --signal KILL web", []string{"DG104"}},
		{"docker kill -sKILL web", []string{"DG104"}},
		{"podman kill web", []string{"DG104"}},
		{"nerdctl kill web", []string{"DG104"}},
		{"docker kill -s HUP web", nil},
		{"docker kill --signal=SIGHUP web", nil},
		{"docker kill -s TERM web", nil},
		{"docker kill -s 15 web", nil},
		{"docker kill -s USR1 web", nil},
		{"docker kill -s ?SIG web", nil},
		{"docker stop -t 0 web", []string{"DG104"}},
		{"docker stop -t0 web", []string{"DG104"}},
		{"docker stop --time 0 web", []string{"DG104"}},
		{"docker stop --time=0 web", []string{"DG104"}},
		{"docker stop --timeout 0 web", []string{"DG104"}},
		{"docker stop --timeout=0 web", []string{"DG104"}},
		{"docker stop web -t 0", []string{"DG104"}},
		{"docker container stop -t 0 web", []string{"DG104"}},
		{"docker restart -t 0 web", []string{"DG104"}},
		{"docker container restart --time=0 web", []string{"DG104"}},
		{"docker stop -s KILL web", []string{"DG104"}},
		{"docker stop --signal SIGKILL web", []string{"DG104"}},
		{"podman stop -t 0 web", []string{"DG104"}},
		{"docker stop -t 1 web", nil},
		{"docker stop -t ?T web", nil},
		{"docker stop -s TERM web", nil},
		{"docker restart web", nil},
		{"docker compose kill", []string{"DG104"}},
		{"docker compose kill web", []string{"DG104"}},
		{"docker compose kill -s SIGKILL", []string{"DG104"}},
		{"docker-compose kill", []string{"DG104"}},
		{"docker compose kill -s SIGTERM", nil},
		{"docker compose kill -s HUP web", nil},
		{"docker compose stop -t 0", []string{"DG104"}},
		{"docker compose stop --timeout 0 web", []string{"DG104"}},
		{"docker compose restart -t 0", []string{"DG104"}},
		{"docker compose stop", nil},
		{"docker compose stop -t 10", nil},
		// DG105: force removal or kill of a listing.
		{"docker rm -f @docker-ps-aq", []string{"DG105"}},
		{"docker rm -fv @docker-ps-aq", []string{"DG105"}},
		{"docker container rm --force @docker-ps-q", []string{"DG105"}},
		{"docker kill @docker-ps-q", []string{"DG105"}},
		{"docker stop -t 0 @docker-ps-q", []string{"DG105"}},
		{"podman rm -af", []string{"DG105"}},
		{"podman rm --all --force", []string{"DG105"}},
		{"podman kill -a", []string{"DG105"}},
		{"docker rm @docker-ps-aq", nil},
		{"docker stop @docker-ps-q", nil},
		{"docker rmi -f @docker-images-q", []string{"DG102"}},
		// DG107.
		{"docker system prune --volumes", []string{"DG107"}},
		{"docker system prune -af --volumes", []string{"DG107"}},
		{"docker system prune --volumes=true -f", []string{"DG107"}},
		{"docker system prune --volumes=false -f", nil},
		{"docker volume prune", []string{"DG107"}},
		{"docker volume prune -f", []string{"DG107"}},
		// A positive label filter scopes the prune to the caller's volumes.
		{"docker volume prune -af --filter label=x", nil},
		{"docker volume prune -f --filter label=com.example.owner=ci", nil},
		{"docker system prune -af --volumes --filter label=ci", nil},
		{"docker volume prune -f --filter label!=keep", []string{"DG107"}},
		{"docker volume prune -f --filter label=", []string{"DG107"}},
		{"docker system prune -af --volumes --filter until=24h", []string{"DG107"}},
		{"podman volume prune -f", []string{"DG107"}},
		{"docker compose down -v", []string{"DG107"}},
		{"docker compose down --volumes", []string{"DG107"}},
		{"docker compose down --volumes=true", []string{"DG107"}},
		{"docker compose down --volumes=false", nil},
		{"docker compose -f a.yml -p proj down -v", []string{"DG107"}},
		{"docker compose --profile dev --env-file .env --project-directory d down -v", []string{"DG107"}},
		{"docker --context prod compose -f a.yml down --remove-orphans -v", []string{"DG107"}},
		{"docker-compose down -v", []string{"DG107"}},
		{"docker-compose -f a.yml down --volumes", []string{"DG107"}},
		{"docker compose down -v -t 0", []string{"DG104", "DG107"}},
		{"docker compose down", nil},
		{"docker compose down --rmi all", nil},
		{"docker compose up -d", nil},
		{"docker volume rm v", nil},
		{"docker volume ls -f dangling=true", nil},
	}
	for _, tt := range tests {
		inv, ok := Parse(words(tt.line), nil)
		got := []string{}
		if ok {
			got = rulesOf(inv.Verdicts())
		}
		want := tt.want
		if want == nil {
			want = []string{}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %v, want %v", tt.line, got, want)
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		line  string
		path  string
		args  []string
		flags []string // canonical flag names in order
	}{
		{"docker rm -f web", "container rm", []string{"web"}, []string{"force"}},
		{"docker container remove -fv a b", "container rm", []string{"a", "b"}, []string{"force", "volumes"}},
		{"docker rmi app", "image rm", []string{"app"}, nil},
		{"docker image remove app", "image rm", []string{"app"}, nil},
		{"docker volume remove v", "volume rm", []string{"v"}, nil},
		{"docker kill -s HUP web", "container kill", []string{"web"}, []string{"signal"}},
		{"docker stop --timeout 3 web", "container stop", []string{"web"}, []string{"time"}},
		{"docker ps -f status=exited -q", "container ls", nil, []string{"filter", "quiet"}},
		{"docker container ls -aq", "container ls", nil, []string{"all", "quiet"}},
		{"docker compose -f x.yml -p p down -v", "compose down", nil, []string{"volumes"}},
		{"docker-compose --file x.yml ps -q", "compose ps", nil, []string{"quiet"}},
		{"docker run -e A=1 --name x alpine sh -c true", "container run", []string{"alpine", "sh", "-c", "true"}, []string{"env", "name"}},
		{"docker frobnicate -x y", "frobnicate", []string{"y"}, []string{"x"}},
		{"docker rm -- -f", "container rm", []string{"-f"}, nil},
	}
	for _, tt := range tests {
		inv, ok := Parse(words(tt.line), nil)
		if !ok {
			t.Errorf("%s: not recognised", tt.line)
			continue
		}
		if inv.Cmd() != tt.path {
			t.Errorf("%s: path %q, want %q", tt.line, inv.Cmd(), tt.path)
		}
		var args, flags []string
		for _, a := range inv.Args {
			args = append(args, a.Value)
		}
		for _, f := range inv.Flags {
			flags = append(flags, f.Name)
		}
		if !reflect.DeepEqual(args, tt.args) {
			t.Errorf("%s: args %q, want %q", tt.line, args, tt.args)
		}
		if !reflect.DeepEqual(flags, tt.flags) {
			t.Errorf("%s: flags %q, want %q", tt.line, flags, tt.flags)
		}
	}
}

func TestComposeGlobalFileIsNotForce(t *testing.T) {
	inv, ok := Parse(words("docker compose -f docker-compose.yml -f override.yml rm -s web"), nil)
	if !ok || inv.Cmd() != "compose rm" {
		t.Fatalf("got %+v", inv)
	}
	if len(inv.GroupFlags) != 2 || inv.GroupFlags[0].Name != "file" || inv.GroupFlags[1].Value.Value != "override.yml" {
		t.Errorf("group flags %+v", inv.GroupFlags)
	}
}

func TestBinaries(t *testing.T) {
	if _, ok := Parse(words("podman rm -f x"), []string{"docker"}); ok {
		t.Error("podman recognised although only docker is configured")
	}
	if _, ok := Parse(words("docker-compose down -v"), []string{"podman"}); !ok {
		t.Error("docker-compose must always be recognised")
	}
	if _, ok := Parse(words("podman-compose down -v"), []string{"docker"}); ok {
		t.Error("podman-compose recognised without podman")
	}
	inv, ok := Parse(words("finch rm -f x"), []string{"finch"})
	if !ok || len(inv.Verdicts()) != 1 {
		t.Errorf("configured binary finch: %v %+v", ok, inv)
	}
	if _, ok := Parse(nil, nil); ok {
		t.Error("empty argv recognised")
	}
}

func TestKeyAndSpan(t *testing.T) {
	argv := []Word{
		{Value: "docker", Known: true, Start: 10, End: 16},
		{Value: "-H", Known: true, Start: 17, End: 19},
		{Value: "h", Known: true, Start: 20, End: 21},
		{Value: "rm", Known: true, Start: 22, End: 24},
		{Value: "-f", Known: true, Start: 25, End: 27},
		{Start: 28, End: 32, Text: `"$1"`},
	}
	inv, _ := Parse(argv, nil)
	if got := inv.Key(); got != `docker rm -f "$1"` {
		t.Errorf("key %q", got)
	}
	if s, e := inv.Span(); s != 10 || e != 32 {
		t.Errorf("span %d %d", s, e)
	}
	vs := inv.Verdicts()
	if len(vs) != 1 || !strings.Contains(vs[0].Message, `docker stop --time 10 "$1" >/dev/null 2>&1 || true; docker rm -f "$1"`) {
		t.Errorf("message %+v", vs)
	}
}

func TestMassMessage(t *testing.T) {
	w := Unknown("$(docker ps -aq)")
	w.FromListing, w.Source = true, "docker ps -aq"
	inv, _ := Parse(append(Lits("docker", "rm", "-f"), w), nil)
	vs := inv.Verdicts()
	if len(vs) != 1 || vs[0].Rule != "DG105" || vs[0].Base != "DG101" || !vs[0].Mass ||
		!strings.Contains(vs[0].Message, "`docker ps -aq`") {
		t.Errorf("%+v", vs)
	}
}

func TestUnwrap(t *testing.T) {
	tests := []struct {
		line     string
		argv     string
		runner   string
		jobs     int
		stdin    bool
		wrappers string
	}{
		{"sudo docker rm -f x", "docker rm -f x", "", 1, false, "sudo"},
		{"sudo -u root -E docker rm -f x", "docker rm -f x", "", 1, false, "sudo"},
		{"sudo --user=root -- docker rm -f x", "docker rm -f x", "", 1, false, "sudo"},
		{"sudo A=1 docker ps", "docker ps", "", 1, false, "sudo"},
		{"sudo -l", "", "", 1, false, "sudo"},
		{"command docker ps", "docker ps", "", 1, false, "command"},
		{"command -v docker", "", "", 1, false, "command"},
		{"exec docker ps", "docker ps", "", 1, false, "exec"},
		{"exec -a name docker ps", "docker ps", "", 1, false, "exec"},
		{"env A=1 B=2 docker ps", "docker ps", "", 1, false, "env"},
		{"env -i -u X PATH=/bin docker ps", "docker ps", "", 1, false, "env"},
		{"env -S docker ps", "docker ps", "", 1, false, "env"},
		{"timeout 10 docker ps", "docker ps", "", 1, false, "timeout"},
		{"timeout -s KILL -k 5 10s docker ps", "docker ps", "", 1, false, "timeout"},
		{"timeout --signal=TERM 1m docker ps", "docker ps", "", 1, false, "timeout"},
		{"nice -n 10 docker ps", "docker ps", "", 1, false, "nice"},
		{"nice -10 docker ps", "docker ps", "", 1, false, "nice"},
		{"nohup docker ps", "docker ps", "", 1, false, "nohup"},
		{"time -p docker ps", "docker ps", "", 1, false, "time"},
		{"sudo timeout 5 nice nohup docker ps", "docker ps", "", 1, false, "sudo timeout nice nohup"},
		{"xargs docker rm -f", "docker rm -f", "xargs", 1, true, "xargs"},
		{"xargs -r -n1 docker rm", "docker rm", "xargs", 1, true, "xargs"},
		{"xargs -P 4 -n 1 docker stop", "docker stop", "xargs", 4, true, "xargs"},
		{"xargs -P4 docker stop", "docker stop", "xargs", 4, true, "xargs"},
		{"xargs --max-procs=0 docker stop", "docker stop", "xargs", 0, true, "xargs"},
		{"xargs --max-procs 8 docker stop", "docker stop", "xargs", 8, true, "xargs"},
		{"xargs -0 -I {} docker rm -f {}", "docker rm -f {}", "xargs", 1, true, "xargs"},
		{"xargs -P ?N docker stop", "docker stop", "xargs", JobsUnknown, true, "xargs"},
		{"xargs -a ids.txt docker stop", "docker stop", "xargs", 1, false, "xargs"},
		{"xargs", "", "xargs", 1, true, "xargs"},
		{"parallel docker stop", "docker stop", "parallel", 0, true, "parallel"},
		{"parallel -j 2 docker stop ::: a b", "docker stop", "parallel", 2, false, "parallel"},
		{"parallel -j8 docker stop {} ::: a b", "docker stop {}", "parallel", 8, false, "parallel"},
		{"parallel --jobs 50% docker stop", "docker stop", "parallel", 0, true, "parallel"},
		{"sudo xargs -P 0 sudo docker rm", "docker rm", "xargs", 0, true, "sudo xargs sudo"},
	}
	for _, tt := range tests {
		u := Unwrap(words(tt.line))
		var argv []string
		for _, w := range u.Argv {
			argv = append(argv, w.Display())
		}
		if got := strings.Join(argv, " "); got != tt.argv {
			t.Errorf("%s: argv %q, want %q", tt.line, got, tt.argv)
		}
		if u.Runner != tt.runner || u.Jobs != tt.jobs || u.StdinArgs != tt.stdin {
			t.Errorf("%s: runner %q jobs %d stdin %v, want %q %d %v", tt.line, u.Runner, u.Jobs, u.StdinArgs, tt.runner, tt.jobs, tt.stdin)
		}
		if got := strings.Join(u.Wrappers, " "); got != tt.wrappers {
			t.Errorf("%s: wrappers %q, want %q", tt.line, got, tt.wrappers)
		}
	}
}

func TestFeed(t *testing.T) {
	u := Unwrap(words("xargs -I{} docker rm -f {}"))
	fed := u.Feed(true, "docker ps -q")
	if len(fed) != 4 || fed[3].Known || !fed[3].FromListing {
		t.Fatalf("replace: %+v", fed)
	}
	u = Unwrap(words("xargs docker rm -f"))
	fed = u.Feed(false, "")
	if len(fed) != 4 || fed[3].Known || fed[3].FromListing {
		t.Fatalf("append: %+v", fed)
	}
	u = Unwrap(words("parallel docker rm -f ::: @docker-ps-q"))
	fed = u.Feed(false, "")
	if len(fed) != 4 || !fed[3].FromListing {
		t.Fatalf("parallel ::: listing: %+v", fed)
	}
	u = Unwrap(words("docker rm -f x"))
	if fed := u.Feed(true, "x"); len(fed) != 4 {
		t.Fatalf("no runner: %+v", fed)
	}
}

func TestShellCode(t *testing.T) {
	tests := []struct {
		line  string
		code  string
		stdin bool
		ok    bool
	}{
		{"sh -c CODE", "CODE", false, true},
		{"bash -c CODE name arg", "CODE", false, true},
		{"bash -euxc CODE", "CODE", false, true},
		{"bash -e -o pipefail -c CODE", "CODE", false, true},
		{"/bin/sh -c CODE", "CODE", false, true},
		{"bash --login -c CODE", "CODE", false, true},
		{"busybox sh -c CODE", "CODE", false, true},
		{"sh", "", true, true},
		{"sh -s", "", true, true},
		{"bash -s -- a b", "", true, true},
		{"bash -e", "", true, true},
		{"bash script.sh", "", false, false},
		{"python -c CODE", "", false, false},
		{"bash ?X", "", false, false},
		{"sh -c", "", false, false},
		{"su -c CODE root", "CODE", false, true},
		{"su - deploy -c CODE", "CODE", false, true},
		{"su --command=CODE deploy", "CODE", false, true},
		{"runuser -u app -- ls", "", false, false},
		{"su deploy", "", false, false},
	}
	for _, tt := range tests {
		code, stdin, ok := ShellCode(words(tt.line))
		if ok != tt.ok || stdin != tt.stdin || (ok && !stdin && code.Value != tt.code) {
			t.Errorf("%s: got %q %v %v", tt.line, code.Value, stdin, ok)
		}
	}
}

func TestIsKillSignal(t *testing.T) {
	for _, s := range []string{"KILL", "kill", "SIGKILL", "sigkill", "9", " 9 "} {
		if !IsKillSignal(s) {
			t.Errorf("%q should be SIGKILL", s)
		}
	}
	for _, s := range []string{"HUP", "TERM", "15", "SIGTERM", "", "99", "KILLALL"} {
		if IsKillSignal(s) {
			t.Errorf("%q should not be SIGKILL", s)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"docker rm -f web", "docker compose -f x down -v", "podman volume rm -f v",
		"sudo xargs -P0 docker kill", "docker -H", "docker rm -", "docker stop -t", "env -S 'docker rm -f x'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		ws := words(line)
		u := Unwrap(ws)
		_ = u.Feed(true, "x")
		if inv, ok := Parse(u.Argv, nil); ok {
			_ = inv.Verdicts()
			_ = inv.Key()
			_ = inv.IsContainerListing()
		}
		_, _, _ = ShellCode(ws)
	})
}

func TestRemoteCommand(t *testing.T) {
	tests := []struct {
		line, want string
		ok         bool
	}{
		{"ssh host docker rm -f x", "docker rm -f x", true},
		{"ssh -i key -p 2222 -o StrictHostKeyChecking=no deploy@host CODE", "CODE", true},
		{"ssh -tt -- host CODE", "CODE", true},
		{"ssh user@host -p 2222 docker rm -f x", "docker rm -f x", true},
		{"ssh -i key host -o BatchMode=yes -t CODE", "CODE", true},
		{"ssh host ls -l", "ls -l", true},
		{"ssh host -p 2222", "", false},
		{"ssh host", "", false},
		{"ssh -p 22", "", false},
		{"scp a b", "", false},
	}
	for _, tt := range tests {
		ws, ok := RemoteCommand(words(tt.line))
		var got []string
		for _, w := range ws {
			got = append(got, w.Value)
		}
		if ok != tt.ok || strings.Join(got, " ") != tt.want {
			t.Errorf("%s: got %q %v", tt.line, got, ok)
		}
	}
}

func TestDisplayEscapesControlCharacters(t *testing.T) {
	if got := Lit("a\r\x00\tb").Display(); got != `a\r\x00\tb` {
		t.Errorf("got %q", got)
	}
	if got := Unknown("$x").Display(); got != "$x" {
		t.Errorf("got %q", got)
	}
	if got := (Word{}).Display(); got != "…" {
		t.Errorf("got %q", got)
	}
}

func TestListsOnlyStopped(t *testing.T) {
	tests := []struct {
		line string
		want bool
	}{
		{"docker ps -aq -f status=exited", true},
		{"docker ps -aq --filter status=dead", true},
		{"docker ps -aq --filter=status=created", true},
		{"docker ps -q -f status=EXITED", true},
		{"docker container ls -aq -f status=exited -f status=dead", true},
		{"docker ps -aq -f status=exited -f name=web", true},
		{"docker compose ps -q --status exited", true},
		{"podman ps -aq --filter status=exited", true},
		// A running state, an unknown value or no status filter at all.
		{"docker ps -aq", false},
		{"docker ps -aq -f status=exited -f status=running", false},
		{"docker ps -aq -f status=paused", false},
		{"docker ps -aq -f status=restarting", false},
		{"docker ps -aq -f ?state", false},
		{"docker compose ps -q --status ?state", false},
		{"docker ps -aq -f ?filter", false},
		{"docker ps -aq -f status=exited -f ?filter", false},
		{"docker ps -aq -f name=exited", false},
		{"docker ps -aq -f label=status=exited", false},
		{"docker compose ps -q --status running", false},
		{"docker images -q -f status=exited", false},
	}
	for _, tt := range tests {
		inv, ok := Parse(words(tt.line), nil)
		if !ok {
			t.Fatalf("%q: not parsed", tt.line)
		}
		if got := inv.ListsOnlyStopped(); got != tt.want {
			t.Errorf("%q: ListsOnlyStopped() = %v, want %v", tt.line, got, tt.want)
		}
	}
}

func TestStoppedListingTargets(t *testing.T) {
	stopped := func() Word {
		w := Unknown("$(docker ps -aq -f status=exited)")
		w.FromListing, w.Stopped, w.Source = true, true, "docker ps -aq -f status=exited"
		return w
	}
	tests := []struct {
		argv []Word
		want []string
	}{
		{append(Lits("docker", "rm", "-f"), stopped()), []string{}},
		{append(Lits("docker", "rm", "-fv"), stopped(), stopped()), []string{}},
		{append(Lits("docker", "container", "rm", "--force"), stopped()), []string{}},
		{append(Lits("docker", "kill"), stopped()), []string{}},
		{append(Lits("docker", "stop", "-t", "0"), stopped()), []string{}},
		{append(Lits("podman", "rm", "-f"), stopped()), []string{}},
		// Another target may be running: judged as a single removal.
		{append(Lits("docker", "rm", "-f", "web"), stopped()), []string{"DG101"}},
		{append(Lits("docker", "rm", "-f"), stopped(), Unknown("$id")), []string{"DG101"}},
		// A live listing next to a stopped one is still a mass removal.
		{append(append(Lits("docker", "rm", "-f"), stopped()), words("@docker-ps-q")...), []string{"DG105"}},
		// The stopped flag only speaks for containers, not images.
		{append(Lits("docker", "rmi", "-f"), stopped()), []string{"DG102"}},
		// Without a target the force is judged as written.
		{Lits("docker", "rm", "-f"), []string{"DG101"}},
	}
	for _, tt := range tests {
		inv, ok := Parse(tt.argv, nil)
		if !ok {
			t.Fatalf("%v: not parsed", tt.argv)
		}
		if got := rulesOf(inv.Verdicts()); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %v, want %v", inv.Key(), got, tt.want)
		}
	}
}

func TestMassAlternative(t *testing.T) {
	for listing, filtered := range map[string]bool{
		"":                                  false,
		"docker ps -aq":                     false,
		"docker ps -q -f status=running":    false,
		"docker ps -aq --filter label=ci":   true,
		"docker ps -q -f name=test-":        true,
		"docker ps -q --filter=label=ci":    true,
		"docker compose ps -q":              true,
		"$ids":                              false,
		"cat ids.txt":                       false,
		"docker images -q --filter label=x": false,
	} {
		inv, ok := Parse(Lits(strings.Fields(listing)...), nil)
		got := MassAlternative("docker", listing, ok && inv.ListsFiltered(), false)
		if want := !strings.HasPrefix(got, "filter the listing"); want != filtered {
			t.Errorf("MassAlternative(%q) = %q; filtered %v, want %v", listing, got, want, filtered)
		}
		if filtered && !strings.Contains(got, listing+` | xargs -r -n1 -P3 sh -c 'docker stop --time 10 "$1" && docker rm "$1"' _`) {
			t.Errorf("MassAlternative(%q) = %q does not stop then remove each of the listing", listing, got)
		}
		// An unscoped prune removes every stopped container on the host.
		if strings.Contains(got, "prune -f") && !strings.HasSuffix(got, "container prune -f --filter label=KEY=VALUE") {
			t.Errorf("MassAlternative(%q) = %q prunes beyond the owner's label", listing, got)
		}
		if !filtered && !strings.HasSuffix(got, "; docker container prune -f --filter label=KEY=VALUE") {
			t.Errorf("MassAlternative(%q) = %q does not end with a label-scoped removal", listing, got)
		}
		v := MassAlternative("docker", listing, ok && inv.ListsFiltered(), true)
		if !strings.Contains(v, "docker rm -v") || strings.Contains(v, "prune") {
			t.Errorf("MassAlternative(%q, volumes) = %q: want rm -v and no prune (which leaves the volumes)", listing, v)
		}
	}
}

// TestAdviceQuoted pins that advice is shell text a user can paste: a
// name with shell syntax, a space or invalid UTF-8 stays one word, and -v
// is kept.
func TestAdviceQuoted(t *testing.T) {
	for _, tc := range []struct {
		argv []string
		want string
	}{
		{[]string{"docker", "rm", "-f", "a;b"}, "stop it first: docker stop --time 10 'a;b' >/dev/null 2>&1 || true; docker rm -f 'a;b'"},
		{[]string{"docker", "rm", "-f", "my app"}, "stop it first: docker stop --time 10 'my app' >/dev/null 2>&1 || true; docker rm -f 'my app'"},
		{[]string{"docker", "rm", "-f", "\xff"}, `stop it first: docker stop --time 10 $'\xff' >/dev/null 2>&1 || true; docker rm -f $'\xff'`},
		{[]string{"docker", "rm", "-fv", "web"}, "stop it first: docker stop --time 10 web >/dev/null 2>&1 || true; docker rm -fv web"},
		{[]string{"docker", "rm", "-f", "-v", "web"}, "; docker rm -fv web"},
		{[]string{"docker", "rm", "--force", "web"}, "; docker rm -f web"},
		{[]string{"docker", "kill", "a*"}, "stop it instead: docker stop --time 10 'a*'"},
	} {
		inv, ok := Parse(Lits(tc.argv...), nil)
		if !ok {
			t.Fatalf("Parse(%q) failed", tc.argv)
		}
		vs := inv.Verdicts()
		if len(vs) != 1 {
			t.Fatalf("%q: %d verdicts, want 1", tc.argv, len(vs))
		}
		if !strings.Contains(vs[0].Message, tc.want) {
			t.Errorf("%q: message %q\nlacks %q", tc.argv, vs[0].Message, tc.want)
		}
	}
}

// TestAdviceBounded: a huge word (5,000 nested $( as written) is cut in
// the advice, so the message stays short.
func TestAdviceBounded(t *testing.T) {
	huge := Unknown(strings.Repeat("$(", 5000) + "x" + strings.Repeat(")", 5000))
	inv, ok := Parse([]Word{Lit("docker"), Lit("rm"), Lit("-f"), huge}, nil)
	if !ok {
		t.Fatal("Parse failed")
	}
	vs := inv.Verdicts()
	if len(vs) != 1 || len(vs[0].Message) > 1000 || !strings.Contains(vs[0].Message, "$($(…") {
		t.Fatalf("verdicts %d, message of %d bytes: %.200s", len(vs), len(vs[0].Message), vs[0].Message)
	}
}

package guardproxy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"

	"github.com/dockguard/dockguard/dockercli"
)

// Rewrite names, in logs and metrics.
const (
	RewriteStopFirst  = "remove-stop-first"
	RewriteKillToStop = "kill-to-stop"
)

// gracefulRemove serves DELETE /containers/{id}?force=1: one inspect; a
// running container is stopped with t=StopTimeout, then removed without
// force; a stopped one passes straight through. Each write waits for its
// own spacing turn. The client gets the answer of the removal.
func (s *Server) gracefulRemove(w http.ResponseWriter, r *http.Request, c classification, st *reqState) {
	ctx := r.Context()
	running, err := s.running(ctx, c)
	if err != nil {
		if ctx.Err() != nil {
			st.status = 499
			return
		}
		st.status = http.StatusBadGateway
		writeJSON(w, http.StatusBadGateway, "dockguard guard: inspecting the container before its removal: "+err.Error())
		return
	}
	if running {
		code, body, err := s.stop(ctx, c)
		if err != nil {
			if ctx.Err() != nil {
				st.status = 499
				return
			}
			st.status = http.StatusBadGateway
			writeJSON(w, http.StatusBadGateway, "dockguard guard: stopping the container before its removal: "+err.Error())
			return
		}
		switch code {
		case http.StatusNoContent, http.StatusNotModified:
		default:
			// The stop failed (gone meanwhile, daemon error): its answer is
			// the client's, and nothing is forced.
			st.status = code
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(code)
			_, _ = w.Write(body)
			return
		}
		st.rewrite = RewriteStopFirst
		s.metrics.add(s.metrics.rewrites, RewriteStopFirst)
		q := r.URL.Query()
		q.Del("force")
		r.URL.RawQuery = q.Encode()
	}
	t, err := s.writes.turn(ctx, true)
	if err != nil {
		st.status = 499
		return
	}
	defer t.release()
	s.forward(w, r, st, t)
}

// running reports whether the container runs (or restarts), with one
// inspect.
func (s *Server) running(ctx context.Context, c classification) (bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url(c.prefix+"/containers/"+url.PathEscape(c.id)+"/json"), nil)
	if err != nil {
		return false, err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		// Missing, or the daemon cannot say: the removal itself will give
		// the client the daemon's answer.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return false, nil
	}
	var v struct {
		State struct{ Running, Restarting bool }
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&v); err != nil {
		return false, fmt.Errorf("decode inspect: %w", err)
	}
	return v.State.Running || v.State.Restarting, nil
}

// stop sends the graceful stop, in its spacing turn, and returns the
// daemon's status and body.
func (s *Server) stop(ctx context.Context, c classification) (int, []byte, error) {
	t, err := s.writes.turn(ctx, false)
	if err != nil {
		return 0, nil, err
	}
	defer t.release()
	u := s.url(c.prefix + "/containers/" + url.PathEscape(c.id) + "/stop?t=" + strconv.Itoa(int(s.cfg.StopTimeout.Seconds())))
	tctx := httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{WroteHeaders: t.started})
	req, err := http.NewRequestWithContext(tctx, http.MethodPost, u, nil)
	if err != nil {
		return 0, nil, err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return 0, nil, fmt.Errorf("read the stop's answer: %w", err)
	}
	return resp.StatusCode, body, nil
}

// killSignal reports whether a kill's signal parameter means SIGKILL (no
// signal is SIGKILL too).
func killSignal(sig string) bool { return sig == "" || dockercli.IsKillSignal(sig) }

// killToStop sends POST /containers/{id}/stop?t=StopTimeout for a SIGKILL.
func (s *Server) killToStop(w http.ResponseWriter, r *http.Request, c classification, st *reqState, t *ticket) {
	st.rewrite, st.killToStop = RewriteKillToStop, true
	s.metrics.add(s.metrics.rewrites, RewriteKillToStop)
	r.URL.Path = c.prefix + "/containers/" + c.id + "/stop"
	r.URL.RawPath = ""
	r.URL.RawQuery = "t=" + strconv.Itoa(int(s.cfg.StopTimeout.Seconds()))
	s.forward(w, r, st, t)
}

// killResponse gives a stop's answer the kill's shape: a stop of a
// stopped container is 304, a kill of one is 409.
func killResponse(resp *http.Response) {
	if resp.StatusCode != http.StatusNotModified {
		return
	}
	resp.Body.Close()
	b, _ := json.Marshal(map[string]string{"message": "Cannot kill container: it is not running (dockguard guard sent a graceful stop for this SIGKILL)"})
	b = append(b, '\n')
	resp.StatusCode, resp.Status = http.StatusConflict, "409 Conflict"
	resp.Header.Set("Content-Type", "application/json")
	resp.Header.Set("Content-Length", strconv.Itoa(len(b)))
	resp.ContentLength = int64(len(b))
	resp.Body = io.NopCloser(bytes.NewReader(b))
}

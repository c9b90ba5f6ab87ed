package memusage

import (
	"strings"
	"testing"
	"time"
)

const mb = int64(1 << 20)

func TestStatsNearestRank(t *testing.T) {
	var s []int64
	for i := int64(1); i <= 200; i++ {
		s = append(s, i*mb)
	}
	st := Observation{Samples: s}.Stats()
	if st.N != 200 || st.P50 != 100*mb || st.P99 != 198*mb || st.Max != 200*mb {
		t.Errorf("stats = %+v", st)
	}
	if st := (Observation{Samples: []int64{7}}).Stats(); st.P50 != 7 || st.P99 != 7 || st.Max != 7 {
		t.Errorf("one sample: %+v", st)
	}
	if st := (Observation{}).Stats(); st.N != 0 {
		t.Errorf("no samples: %+v", st)
	}
}

func TestRecommend(t *testing.T) {
	long := 15 * time.Minute
	tests := []struct {
		name      string
		o         Observation
		p         Policy
		limit     int64
		res       int64
		prov      bool
		basisPart string
		none      bool
	}{
		{name: "headroom and rounding", o: Observation{Samples: []int64{300 * mb, 400 * mb}, Window: long},
			limit: 464 * mb, basisPart: "p99 400MiB, 2 samples over 15m ×1.15"},
		{name: "own headroom", o: Observation{Samples: []int64{100 * mb}, Window: long}, p: Policy{Headroom: 2},
			limit: 208 * mb},
		{name: "never below 32 MiB", o: Observation{Samples: []int64{1 * mb}, Window: long}, limit: 32 * mb},
		{name: "floor of runtime caps", o: Observation{Samples: []int64{10 * mb}, Window: long}, p: Policy{Floor: 500 * mb},
			limit: 512 * mb},
		{name: "short window is provisional", o: Observation{Samples: []int64{64 * mb}, Window: time.Minute},
			limit: 80 * mb, prov: true, basisPart: "over 60s ×1.15, provisional"},
		{name: "OOM: +20 % but at least +100 MiB", o: Observation{OOMKilled: true, Limit: 256 * mb, Window: long},
			limit: 368 * mb, basisPart: "OOM-killed at 256MiB"},
		{name: "OOM: +20 % of a large limit", o: Observation{OOMKilled: true, Limit: 2048 * mb, Samples: []int64{2000 * mb}, Window: long},
			limit: 2464 * mb},
		{name: "OOM below the observed peak", o: Observation{OOMKilled: true, Limit: 64 * mb, Samples: []int64{400 * mb}, Window: long},
			limit: 464 * mb},
		{name: "reservation at p50", o: Observation{Samples: []int64{100 * mb, 101 * mb, 300 * mb}, Window: long}, p: Policy{WithReservation: true},
			limit: 352 * mb, res: 112 * mb},
		{name: "nothing to size from", o: Observation{OOMKilled: true}, none: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := Recommend(tt.o, tt.p)
			if ok == tt.none {
				t.Fatalf("ok = %v", ok)
			}
			if tt.none {
				return
			}
			if r.Limit != tt.limit || r.Reservation != tt.res || r.Provisional != tt.prov {
				t.Errorf("got limit %s reservation %s provisional %v, want %s %s %v (%s)",
					Size(r.Limit), Size(r.Reservation), r.Provisional, Size(tt.limit), Size(tt.res), tt.prov, r.Basis)
			}
			if r.Limit%(16*mb) != 0 {
				t.Errorf("limit %d not a multiple of 16 MiB", r.Limit)
			}
			if !strings.Contains(r.Basis, tt.basisPart) {
				t.Errorf("basis %q lacks %q", r.Basis, tt.basisPart)
			}
		})
	}
}

func TestFromReport(t *testing.T) {
	doc := `{"version":1,"live":{"containers":[
	  {"name":"a1","memoryLimit":0,"memoryUsage":104857600,"composeProject":"shop","composeService":"api","composeWorkingDir":"/srv/shop"},
	  {"name":"a2","memoryLimit":268435456,"memoryUsage":209715200,"oomKilled":true,"composeProject":"shop","composeService":"api","composeWorkingDir":"/srv/shop"},
	  {"name":"db","memoryLimit":0,"memoryUsage":-1,"composeProject":"shop","composeService":"db"},
	  {"name":"w","memorySamples":[1,2,3],"memoryWindowSeconds":900,"composeProject":"shop","composeService":"w"},
	  {"name":"loose","memoryUsage":5}
	]}}`
	obs, err := FromReport([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(obs) != 3 {
		t.Fatalf("observations = %+v", obs)
	}
	api := obs[0]
	if api.Service != "api" || api.Containers != 2 || len(api.Samples) != 2 || !api.OOMKilled || api.Limit != 256*mb || api.WorkingDir != "/srv/shop" {
		t.Errorf("api = %+v", api)
	}
	if db := obs[1]; db.Service != "db" || len(db.Samples) != 0 {
		t.Errorf("db (unsampled) = %+v", db)
	}
	if w := obs[2]; len(w.Samples) != 3 || w.Window != 15*time.Minute {
		t.Errorf("w = %+v", w)
	}
	if _, err := FromReport([]byte(`{"static":{}}`)); err == nil || !strings.Contains(err.Error(), "no live section") {
		t.Errorf("report without live: %v", err)
	}
	if _, err := FromReport([]byte(`{`)); err == nil {
		t.Error("broken JSON accepted")
	}
}

func FuzzFromReport(f *testing.F) {
	f.Add([]byte(`{"live":{"containers":[{"composeProject":"p","composeService":"s","memoryUsage":1}]}}`))
	f.Add([]byte(`{"live":{"containers":[{"composeProject":"p","composeService":"s","memorySamples":[-1,9e18],"memoryWindowSeconds":-5}]}}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		obs, err := FromReport(data)
		if err != nil {
			return
		}
		for _, o := range obs {
			if r, ok := Recommend(o, Policy{}); ok && r.Limit < 32*mb {
				t.Errorf("limit %d below the floor", r.Limit)
			}
		}
	})
}

func TestFormat(t *testing.T) {
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{{60 * time.Second, "60s"}, {10 * time.Second, "10s"}, {15 * time.Minute, "15m"}, {150 * time.Minute, "2.5h"}} {
		if got := Window(tt.d); got != tt.want {
			t.Errorf("Window(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
	if got := Size(412 * mb); got != "412MiB" {
		t.Errorf("Size = %q", got)
	}
}

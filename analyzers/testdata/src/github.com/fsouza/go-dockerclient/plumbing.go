package docker

import "sync"

// do stands for the client's own HTTP plumbing.
func (c *Client) do(method, path string) error { return nil }

// stress exercises the plumbing in parallel, as the SDK's own tests do:
// unexported methods are not client calls.
func stress(c *Client) {
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Go(func() { _ = c.do("GET", "/ping") })
	}
	wg.Wait()
}

// The SDK's exported methods still count inside the SDK.
func killAll(c *Client, ids []string) {
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Go(func() { _ = c.StopContainer(id, 10) }) // want `\(DG106\)`
	}
	wg.Wait()
}

package fixable

import "github.com/moby/moby/client"

// Service holds its client in a field declared apart from the calls: only
// type information tells that Service.API is an SDK client.
type Service struct {
	API *client.Client
}

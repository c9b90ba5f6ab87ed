package sdk

import (
	"context"

	containertypes "github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/image"
)

type clientAPI interface {
	ContainerRemove(ctx context.Context, id string, o containertypes.RemoveOptions) error
	ContainerStop(ctx context.Context, id string, o containertypes.StopOptions) error
	ImageRemove(ctx context.Context, id string, o image.RemoveOptions) ([]image.DeleteResponse, error)
}

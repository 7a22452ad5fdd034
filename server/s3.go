package server

import (
	"context"

	"github.com/auditfleet/auditfleet/server/config"
	"github.com/auditfleet/auditfleet/server/store"
	"github.com/auditfleet/auditfleet/server/store/s3store"
)

// openS3 opens an S3-compatible store (AWS S3, MinIO, Ceph RGW, …).
func openS3(_ context.Context, c config.S3) (store.Backend, error) {
	useTLS := c.UseTLS == nil || *c.UseTLS
	return s3store.New(s3store.Config{
		Endpoint:      c.Endpoint,
		Bucket:        c.Bucket,
		Region:        c.Region,
		UseTLS:        useTLS,
		PathStyle:     c.PathStyle,
		AccessKey:     c.AccessKey,
		SecretKey:     c.SecretKey,
		CAFile:        c.CAFile,
		RetentionMode: c.RetentionMode,
	})
}
